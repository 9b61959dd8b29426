package dev.claudebridge.daemon.admin;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.claudebridge.daemon.transport.ListenerException;
import dev.claudebridge.protocol.Hello;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The admin endpoints over real HTTP, fed by a real session engine running real processes. */
@Timeout(value = 60, unit = SECONDS)
class AdminServerTest {
    private Harness h;

    @BeforeEach
    void start() throws IOException {
        h = new Harness();
    }

    @AfterEach
    void stop() throws IOException {
        h.close();
    }

    @Test
    void healthzAnswersOk() {
        HttpResponse<String> r = h.get("/healthz");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("ok\n");
    }

    @Test
    void readyzListsEveryCheckAndIs200WhenAllPass() {
        HttpResponse<String> r = h.get("/readyz");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body())
                .startsWith("ready\n")
                .contains("ok   listening: on " + h.socket)
                .contains("ok   claude: claude 1.2.3 (Claude Code) at " + h.dir.resolve("claude"));
    }

    @Test
    void aFailingOrThrowingCheckMakesReadyz503AndTheBodyNamesIt() {
        AtomicBoolean auditWritable = new AtomicBoolean(true);
        h.admin
                .readiness()
                .add(ReadinessCheck.of(
                        "audit",
                        () -> auditWritable.get()
                                ? ReadinessCheck.Outcome.ok("writable")
                                : ReadinessCheck.Outcome.failed(
                                        "/var/log/claude-bridge/audit.log: read-only file system")));
        assertThat(h.get("/readyz").statusCode()).isEqualTo(200);
        auditWritable.set(false);
        HttpResponse<String> r = h.get("/readyz");
        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(r.body())
                .startsWith("not ready: audit\n")
                .contains("FAIL audit: /var/log/claude-bridge/audit.log: read-only file system")
                .contains("ok   claude:");
        h.admin.readiness().add(ReadinessCheck.of("broken", () -> {
            throw new IllegalStateException("bug");
        }));
        assertThat(h.get("/readyz").body())
                .startsWith("not ready: audit, broken\n")
                .contains("FAIL broken: check failed: java.lang.IllegalStateException: bug");
        assertThat(h.status().ready()).isFalse();
    }

    @Test
    void losingTheAgentsSocketMakesTheDaemonNotReady() throws IOException {
        Files.delete(h.socket);
        HttpResponse<String> r = h.get("/readyz");
        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(r.body()).contains("FAIL listening: socket " + h.socket + " is gone");
    }

    @Test
    void metricsSpeakBothTextFormats() {
        HttpResponse<String> prom = h.get("/metrics");
        assertThat(prom.statusCode()).isEqualTo(200);
        assertThat(prom.headers().firstValue("Content-Type").orElseThrow())
                .isEqualTo("text/plain; version=0.0.4; charset=utf-8");
        assertThat(prom.body())
                .contains("# TYPE claude_bridge_requests_total counter")
                .contains("claude_bridge_ready 1.0")
                .contains("claude_bridge_requests_running{profile=\"default\"} 0.0")
                .contains("jvm_memory_used_bytes");
        HttpResponse<String> om =
                h.get("/metrics", "Accept", "application/openmetrics-text; version=1.0.0; charset=utf-8");
        assertThat(om.headers().firstValue("Content-Type").orElseThrow()).startsWith("application/openmetrics-text");
        assertThat(om.body())
                .contains("# UNIT claude_bridge_run_duration_seconds seconds")
                .endsWith("# EOF\n");
    }

    @Test
    void countersMoveAsRequestsRun() {
        assertThat(h.run("say", "hello").status()).isZero();
        Harness.Outcome three = h.run("exit", "3");
        assertThat(three.status()).isEqualTo(3);
        h.rawClient(Harness.bytes(new Hello(99, "future-client").toFrame()));
        h.rawClient(new byte[0]); // a port probe: a connection, not a request
        String m = h.get("/metrics").body();
        assertThat(m)
                .contains("claude_bridge_requests_total{outcome=\"exit\",profile=\"default\"} 2.0")
                .contains("claude_bridge_requests_total{outcome=\"protocol_mismatch\",profile=\"default\"} 1.0")
                .contains("claude_bridge_refusals_total{profile=\"default\",reason=\"protocol_mismatch\"} 1.0")
                .contains("claude_bridge_process_exits_total{profile=\"default\",status=\"0\"} 1.0")
                .contains("claude_bridge_process_exits_total{profile=\"default\",status=\"3\"} 1.0")
                .contains("claude_bridge_connections_total{listener=\"" + h.socket + "\"} 4.0")
                .contains("claude_bridge_stream_bytes_total{stream=\"stdout\"} 6.0")
                .contains("claude_bridge_stream_bytes_total{stream=\"stderr\"} 8.0")
                .contains("claude_bridge_run_duration_seconds_count{profile=\"default\"} 2")
                .contains("claude_bridge_queue_wait_seconds_count{profile=\"default\"} 2");
    }

    @Test
    void statusShowsARunningRequestThenItsExit() throws Exception {
        Path marker = h.dir.resolve("go");
        Thread held = h.hold(marker, 4);
        StatusReport running =
                h.awaitStatus(s -> s.running().stream().anyMatch(r -> r.state().equals("running")));
        RequestView r = running.running().getFirst();
        assertThat(r.argv()).isEqualTo("hold " + marker + " 4");
        assertThat(r.profile()).isEqualTo("default");
        assertThat(r.peer()).isEqualTo(h.socket + " uid=tester gid=testers");
        assertThat(r.cwd()).isEqualTo(h.dir.toString());
        assertThat(r.status()).isEqualTo(-1);
        assertThat(running.profiles()).containsExactly(new StatusReport.Profile("default", 1, 0, 0, 0));
        assertThat(running.claude().version()).isEqualTo("1.2.3 (Claude Code)");
        assertThat(running.listeners())
                .containsExactly(new StatusReport.Listener("unix", h.socket.toString(), "default"));
        assertThat(running.admin()).containsExactly(h.base(), "unix:" + h.adminSocket);
        Files.createFile(marker);
        held.join(Duration.ofSeconds(20));
        StatusReport done =
                h.awaitStatus(s -> s.running().isEmpty() && !s.recent().isEmpty());
        RequestView f = done.recent().getFirst();
        assertThat(f.id()).isEqualTo(r.id());
        assertThat(f.state()).isEqualTo("finished");
        assertThat(f.exit()).isEqualTo("exit 4");
        assertThat(f.status()).isEqualTo(4);
        assertThat(f.ok()).isFalse();
        assertThat(done.failures()).extracting(RequestView::id).containsExactly(r.id());
        assertThat(done.totals().finished()).isEqualTo(1);
        assertThat(done.totals().failed()).isEqualTo(1);
    }

    @Test
    void theRecentRingIsBoundedAndFailuresAreKeptApart() {
        h.run("exit", "5");
        for (int i = 0; i < RequestTracker.RECENT + 2; i++) {
            h.run("exit", "0");
        }
        StatusReport s = h.status();
        assertThat(s.recent()).hasSize(RequestTracker.RECENT).allMatch(RequestView::ok);
        assertThat(s.failures())
                .singleElement()
                .satisfies(f -> assertThat(f.exit()).isEqualTo("exit 5"));
        assertThat(s.totals().finished()).isEqualTo(RequestTracker.RECENT + 3);
    }

    @Test
    void theEventStreamPushesAChangeWithinAHeartbeat() throws Exception {
        HttpClient client = HttpClient.newHttpClient();
        HttpResponse<java.io.InputStream> r = client.send(
                HttpRequest.newBuilder(URI.create(h.base() + "/api/events")).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        assertThat(r.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/event-stream");
        try (BufferedReader in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
            StatusReport first = nextEvent(in);
            assertThat(first.recent()).isEmpty();
            Thread.ofVirtual().start(() -> h.run("exit", "7"));
            long t0 = System.nanoTime();
            StatusReport next;
            do {
                next = nextEvent(in);
            } while (next.recent().isEmpty());
            assertThat(Duration.ofNanos(System.nanoTime() - t0))
                    .isLessThan(Duration.ofMillis(EventStream.HEARTBEAT_MS + 1500));
            assertThat(next.recent().getFirst().exit()).isEqualTo("exit 7");
        } finally {
            client.close();
        }
    }

    private static StatusReport nextEvent(BufferedReader in) throws IOException {
        String line;
        while ((line = in.readLine()) != null) {
            if (line.startsWith("data: ")) {
                return StatusService.JSON.readValue(line.substring(6), StatusReport.class);
            }
        }
        throw new AssertionError("event stream ended");
    }

    @Test
    void theDashboardIsServedWithAStrictContentSecurityPolicy() {
        HttpResponse<String> page = h.get("/");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/html");
        assertThat(page.headers().firstValue("Content-Security-Policy").orElseThrow())
                .contains("script-src 'self'")
                .doesNotContain("unsafe");
        assertThat(page.body()).contains("<script src=\"dashboard.js\"");
        assertThat(h.get("/dashboard.js").headers().firstValue("Content-Type").orElseThrow())
                .startsWith("text/javascript");
        assertThat(h.get("/dashboard.css").headers().firstValue("Content-Type").orElseThrow())
                .startsWith("text/css");
        assertThat(h.get("/favicon.svg").headers().firstValue("Content-Type").orElseThrow())
                .isEqualTo("image/svg+xml");
    }

    @Test
    void onlyGetAndHeadAndOnlyKnownPaths() throws Exception {
        assertThat(h.get("/nope").statusCode()).isEqualTo(404);
        assertThat(h.get("/../etc/passwd").statusCode()).isIn(400, 404);
        try (HttpClient c = HttpClient.newHttpClient()) {
            HttpResponse<String> post = c.send(
                    HttpRequest.newBuilder(URI.create(h.base() + "/api/status"))
                            .POST(HttpRequest.BodyPublishers.ofString("{}"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(post.statusCode()).isEqualTo(405);
            assertThat(post.headers().firstValue("Allow").orElseThrow()).isEqualTo("GET, HEAD");
            HttpResponse<String> head = c.send(
                    HttpRequest.newBuilder(URI.create(h.base() + "/readyz"))
                            .method("HEAD", HttpRequest.BodyPublishers.noBody())
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(head.statusCode()).isEqualTo(200);
            assertThat(head.body()).isEmpty();
        }
    }

    @Test
    void aForeignHostNameIsRefusedOnLoopback() throws IOException {
        assertThat(rawGet("evil.example")).startsWith("HTTP/1.1 421");
        assertThat(rawGet("localhost")).startsWith("HTTP/1.1 200");
        assertThat(rawGet("127.0.0.1:" + h.admin.port().orElseThrow())).startsWith("HTTP/1.1 200");
        assertThat(rawGet("[::1]")).startsWith("HTTP/1.1 200");
    }

    private String rawGet(String host) throws IOException {
        try (Socket s = new Socket("127.0.0.1", h.admin.port().orElseThrow())) {
            s.getOutputStream()
                    .write(("GET /healthz HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
        }
    }

    @Test
    void theAdminSocketServesTheSameAndIsOwnerOnly() throws IOException {
        assertThat(Files.getPosixFilePermissions(h.adminSocket))
                .isEqualTo(PosixFilePermissions.fromString("rw-------"));
        AdminClient.Reply r = AdminClient.get("unix:" + h.adminSocket, "/api/status", Duration.ofSeconds(5));
        assertThat(r.status()).isEqualTo(200);
        assertThat(StatusService.JSON.readValue(r.body(), StatusReport.class).version())
                .isEqualTo("test");
        assertThat(AdminClient.get(h.base(), "/readyz", Duration.ofSeconds(5)).body())
                .startsWith("ready");
    }

    @Test
    void aTakenAddressIsAnErrorOnlyWhenAskedForExplicitly() throws IOException {
        AdminAddress taken = new AdminAddress("127.0.0.1", h.admin.port().orElseThrow());
        AdminSide other = new AdminSide("test", () -> h.settings);
        try (other) {
            assertThatThrownBy(() -> other.start(Optional.of(taken), Optional.empty(), true))
                    .isInstanceOf(ListenerException.class)
                    .hasMessageContaining("cannot start the admin endpoint on " + taken)
                    .hasMessageContaining("--admin-listen");
            other.start(Optional.of(taken), Optional.empty(), false);
            assertThat(other.port()).isEmpty();
        }
    }

    @Test
    void aStaleAdminSocketIsReplacedButALiveOneIsNot() throws IOException {
        Path stale = h.dir.resolve("stale.sock");
        try (var ch = java.nio.channels.ServerSocketChannel.open(java.net.StandardProtocolFamily.UNIX)) {
            ch.bind(java.net.UnixDomainSocketAddress.of(stale));
        } // closed: the file stays behind, nobody listens
        AdminSide other = new AdminSide("test", () -> h.settings);
        try (other) {
            other.start(Optional.empty(), Optional.of(stale), true);
            assertThat(AdminClient.get("unix:" + stale, "/healthz", Duration.ofSeconds(5))
                            .body())
                    .isEqualTo("ok\n");
            AdminSide third = new AdminSide("test", () -> h.settings);
            assertThatThrownBy(() -> third.start(Optional.empty(), Optional.of(stale), true))
                    .isInstanceOf(ListenerException.class)
                    .hasMessageContaining("already listening");
        }
        assertThat(stale).doesNotExist();
    }
}
