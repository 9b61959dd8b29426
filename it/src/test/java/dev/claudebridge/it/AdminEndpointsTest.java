package dev.claudebridge.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The admin endpoints of a real daemon, over real HTTP and the admin Unix socket, as an operator uses them. */
class AdminEndpointsTest {
    private static Bridge bridge;
    private static String admin;
    private static Path adminSocket;
    private static Path workspace;

    @BeforeAll
    static void start() throws IOException {
        Path dir = Bridge.tempDir();
        Path claude = Bridge.script(dir, "/admin-claude.sh", "claude");
        workspace = Files.createDirectory(dir.resolve("ws"));
        adminSocket = dir.resolve("admin.sock");
        bridge = Bridge.start(
                dir,
                Map.of(),
                Bridge.withClaude(
                        claude,
                        "--admin-listen",
                        "127.0.0.1:0",
                        "--admin-socket",
                        adminSocket.toString(),
                        "--map",
                        workspace + "=" + workspace));
        admin = bridge.adminUrl();
    }

    @AfterAll
    static void stop() {
        bridge.close();
    }

    private static Bridge.Result client(Path cwd, String... args) {
        return Bridge.run(bridge.client(cwd, args), new byte[0]);
    }

    @Test
    void healthAndReadiness() {
        HttpResponse<String> health = AdminHttp.get(admin + "/healthz");
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(health.body()).isEqualTo("ok\n");
        HttpResponse<String> ready = AdminHttp.get(admin + "/readyz");
        assertThat(ready.statusCode()).as(ready.body()).isEqualTo(200);
        assertThat(ready.body())
                .startsWith("ready\n")
                .contains("ok   listening: on " + bridge.socket)
                .contains("ok   claude: claude 9.9.9 (Claude Code stand-in)");
    }

    @Test
    void theStatusApiDescribesTheDaemon() {
        JsonNode s = AdminHttp.status(admin);
        assertThat(s.get("ready").asBoolean()).isTrue();
        assertThat(s.get("version").asText()).isNotEmpty().isNotEqualTo("dev"); // the jar's own version
        assertThat(s.get("claude").get("version").asText()).isEqualTo("9.9.9 (Claude Code stand-in)");
        assertThat(s.get("listeners").get(0).get("address").asText()).isEqualTo(bridge.socket.toString());
        assertThat(s.get("admin")).extracting(JsonNode::asText).containsExactly(admin, "unix:" + adminSocket);
        assertThat(s.get("uptimeSeconds").asLong()).isGreaterThanOrEqualTo(0);
    }

    @Test
    void metricsParseAsPrometheusAndOpenMetricsAndCountersMoveAsRequestsRun() {
        Optional<String> python = AdminHttp.python();
        assumeTrue(
                python.isPresent(),
                "skipped: no python3 with the Prometheus client library to parse /metrics "
                        + "(Debian: apt-get install python3-prometheus-client; ./build.sh test installs it)");
        List<AdminHttp.Sample> before = AdminHttp.parse(
                python.get(), "prometheus", AdminHttp.get(admin + "/metrics").body());

        assertThat(client(workspace, "say", "hello").status()).isZero();
        assertThat(client(workspace, "exit", "3").status()).isEqualTo(3);
        Bridge.Result refused = client(bridge.dir, "say", "from outside the mapping");
        assertThat(refused.status()).as(refused.toString()).isEqualTo(65);

        String text = AdminHttp.get(admin + "/metrics").body();
        List<AdminHttp.Sample> after = AdminHttp.parse(python.get(), "prometheus", text);
        assertThat(delta(before, after, "claude_bridge_requests_total", "outcome=exit", "profile=default"))
                .isEqualTo(2);
        assertThat(delta(before, after, "claude_bridge_requests_total", "outcome=cwd_not_mapped", "profile=default"))
                .isEqualTo(1);
        assertThat(delta(before, after, "claude_bridge_refusals_total", "profile=default", "reason=cwd_not_mapped"))
                .isEqualTo(1);
        assertThat(delta(before, after, "claude_bridge_process_exits_total", "profile=default", "status=0"))
                .isEqualTo(1);
        assertThat(delta(before, after, "claude_bridge_process_exits_total", "profile=default", "status=3"))
                .isEqualTo(1);
        assertThat(delta(before, after, "claude_bridge_connections_total", "listener=" + bridge.socket))
                .isEqualTo(3);
        assertThat(delta(before, after, "claude_bridge_stream_bytes_total", "stream=stdout"))
                .isEqualTo("hello\n".length());
        assertThat(delta(before, after, "claude_bridge_stream_bytes_total", "stream=stderr"))
                .isEqualTo("err:hello\n".length());
        assertThat(delta(before, after, "claude_bridge_run_duration_seconds_count", "profile=default"))
                .isEqualTo(2);
        assertThat(delta(before, after, "claude_bridge_queue_wait_seconds_count", "profile=default"))
                .isEqualTo(2);
        assertThat(AdminHttp.value(after, "claude_bridge_requests_running", "profile=default"))
                .isZero();
        assertThat(AdminHttp.value(after, "claude_bridge_requests_queued")).isZero();
        assertThat(AdminHttp.value(after, "claude_bridge_ready")).isEqualTo(1);
        assertThat(after)
                .anyMatch(s -> s.name().equals("jvm_memory_used_bytes"))
                .anyMatch(s -> s.name().equals("process_cpu_seconds_total"))
                .anyMatch(s -> s.family().equals("claude_bridge_run_duration_seconds")
                        && s.type().equals("histogram"));

        HttpResponse<String> om =
                AdminHttp.get(admin + "/metrics", "Accept", "application/openmetrics-text; version=1.0.0");
        assertThat(om.headers().firstValue("Content-Type").orElseThrow()).startsWith("application/openmetrics-text");
        List<AdminHttp.Sample> strict = AdminHttp.parse(python.get(), "openmetrics", om.body());
        assertThat(AdminHttp.value(strict, "claude_bridge_refusals_total", "profile=default", "reason=cwd_not_mapped"))
                .isGreaterThanOrEqualTo(1);
    }

    private static double delta(
            List<AdminHttp.Sample> before, List<AdminHttp.Sample> after, String name, String... labels) {
        return AdminHttp.value(after, name, labels) - AdminHttp.value(before, name, labels);
    }

    @Test
    void finishedRequestsAppearInTheStatusWithTheirExitStatus() {
        assertThat(client(workspace, "exit", "42").status()).isEqualTo(42);
        JsonNode s = AdminHttp.status(admin);
        JsonNode last = s.get("recent").get(0);
        assertThat(last.get("argv").asText()).isEqualTo("exit 42");
        assertThat(last.get("exit").asText()).isEqualTo("exit 42");
        assertThat(last.get("status").asInt()).isEqualTo(42);
        assertThat(last.get("cwd").asText()).isEqualTo(workspace.toString());
        assertThat(s.get("failures").get(0).get("id").asText())
                .isEqualTo(last.get("id").asText());
    }

    @Test
    void theStatusCommandPrintsASummaryAndExitsZeroWhenReady() throws IOException {
        Bridge.Result text = AdminHttp.statusCommand("--admin", admin);
        assertThat(text.status()).as(text.toString()).isZero();
        assertThat(text.out())
                .contains(": ready, up ")
                .contains("9.9.9 (Claude Code stand-in)")
                .contains(bridge.socket.toString())
                .contains("ok listening, ok claude");

        Bridge.Result json = AdminHttp.statusCommand("--json", "--admin", admin);
        assertThat(json.status()).as(json.toString()).isZero();
        assertThat(AdminHttp.JSON.readTree(json.out()).get("ready").asBoolean()).isTrue();

        Bridge.Result overSocket = AdminHttp.statusCommand("--admin", "unix:" + adminSocket);
        assertThat(overSocket.status()).as(overSocket.toString()).isZero();
        assertThat(overSocket.out()).contains(": ready");
    }

    @Test
    void theAgentsSocketNeverAnswersAdminRequests() throws IOException {
        try (SocketChannel ch = SocketChannel.open(UnixDomainSocketAddress.of(bridge.socket))) {
            ch.write(ByteBuffer.wrap(
                    "GET /api/status HTTP/1.0\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.US_ASCII)));
            ch.shutdownOutput();
            byte[] reply = java.nio.channels.Channels.newInputStream(ch).readAllBytes();
            assertThat(new String(reply, StandardCharsets.ISO_8859_1))
                    .doesNotStartWith("HTTP/")
                    .doesNotContain("\"version\"");
        }
    }
}
