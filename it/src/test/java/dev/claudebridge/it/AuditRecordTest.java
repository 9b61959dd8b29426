package dev.claudebridge.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What the audit log says about a request that ran, one that was denied, and how it rotates. */
class AuditRecordTest {
    private Path dir;
    private Path ws;
    private Bridge bridge;
    private AuditLines audit;

    @BeforeEach
    void start() throws IOException {
        dir = Bridge.tempDir();
        ws = Files.createDirectories(dir.resolve("ws")).toRealPath();
        Path config = Bridge.writeConfig(dir, "config.yaml", """
                claude: { path: %s }
                listeners: [ { socket: %s } ]
                profiles:
                  default: { mappings: ["%s=%s"], env-allow: [MY_VAR], rate: { per-minute: 0 } }
                audit: { path: %s, max-arg-length: 16, max-size: 8KiB, keep: 2 }
                """.formatted(
                        Bridge.policyClaude(dir), dir.resolve("b.sock"), ws, ws, dir.resolve("audit.log")));
        // the stand-in does not read stdin: it lingers long enough for the caller's stdin to reach the daemon and be
        // counted
        bridge = Bridge.startWithConfig(dir, Map.of("POLICY_SLEEP", "0.5"), config);
        audit = new AuditLines(dir.resolve("audit.log"));
    }

    @AfterEach
    void stop() {
        bridge.close();
    }

    @Test
    void aRequestThatRanHasAStartAndAnEndRecord() throws Exception {
        String prompt = "Write a long poem about the sea, in the style of a sailor.";
        ProcessBuilder pb = bridge.client(ws, "-p", prompt);
        pb.environment().put("CLAUDE_BRIDGE_CLIENT_NAME", "agent-7");
        pb.environment().put("MY_VAR", "secret-value");
        Instant before = Instant.now();
        Bridge.Result r = Bridge.run(pb, "some stdin".getBytes(StandardCharsets.UTF_8));
        assertThat(r.status()).as(r.toString()).isZero();
        JsonNode end = audit.endOf("agent-7");
        List<JsonNode> both = audit.of(end.path("id").asText());
        assertThat(both).extracting(n -> n.path("event").asText()).containsExactly("start", "end");
        JsonNode start = both.getFirst();
        for (JsonNode n : both) {
            assertThat(Instant.parse(n.path("time").asText())).isAfterOrEqualTo(before.minusSeconds(1));
            assertThat(n.path("profile").asText()).isEqualTo("default");
            assertThat(n.path("listener").asText()).isEqualTo(bridge.socket.toString());
            assertThat(n.path("peer").path("uid").asLong()).isEqualTo(uid());
            assertThat(n.path("client").asText()).isEqualTo("agent-7");
            assertThat(n.path("argv").toString()).isEqualTo("[\"-p\",\"" + prompt.substring(0, 16) + "\"]");
            assertThat(n.path("argv_cut").get(0).path("index").asInt()).isEqualTo(1);
            assertThat(n.path("argv_cut").get(0).path("length").asInt()).isEqualTo(prompt.length());
            assertThat(n.path("argv_cut").get(0).path("sha256").asText()).isEqualTo(sha256(prompt));
            assertThat(n.path("cwd").asText()).isEqualTo(ws.toString());
            assertThat(n.path("host_cwd").asText()).isEqualTo(ws.toString());
            assertThat(n.path("env").toString()).contains("\"MY_VAR\"");
            assertThat(n.path("decision").asText()).isEqualTo("allowed");
        }
        assertThat(Files.readString(audit.file()))
                .doesNotContain("secret-value")
                .doesNotContain("sailor");
        assertThat(start.has("exit_code")).isFalse();
        assertThat(start.path("queue_wait_ms").asLong()).isNotNegative();
        assertThat(end.path("outcome").asText()).isEqualTo("exit");
        assertThat(end.path("exit_code").asInt()).isZero();
        assertThat(end.path("bytes_in").asLong()).isEqualTo(10);
        assertThat(end.path("bytes_out").asLong()).isEqualTo(r.stdout().length);
        assertThat(Instant.parse(end.path("ended").asText()))
                .isAfterOrEqualTo(Instant.parse(end.path("started").asText()));
    }

    @Test
    void aDeniedRequestHasOnlyAnEndRecordNamingTheRule() {
        ProcessBuilder pb = bridge.client(ws, "plugin", "install", "x");
        pb.environment().put("CLAUDE_BRIDGE_CLIENT_NAME", "agent-8");
        assertThat(Bridge.run(pb, new byte[0]).status()).isEqualTo(78);
        JsonNode end = audit.endOf("agent-8");
        assertThat(audit.of(end.path("id").asText())).hasSize(1);
        assertThat(end.path("decision").asText()).isEqualTo("denied");
        assertThat(end.path("outcome").asText()).isEqualTo("policy_denied");
        assertThat(end.path("rule").asText()).isEqualTo("plugin");
        assertThat(end.path("detail").asText()).contains("never allowed");
        assertThat(end.has("started")).isFalse();
    }

    @Test
    void theRecordsNameTheCallersContainer() throws Exception {
        Containers.assumeRoot();
        ProcessBuilder onTheHost = bridge.client(ws, "-p", "hi");
        onTheHost.environment().put("CLAUDE_BRIDGE_CLIENT_NAME", "on-the-host");
        assertThat(Bridge.run(onTheHost, new byte[0]).status()).isZero();
        // the client in a PID namespace of its own, which notes that namespace first
        Path noted = dir.resolve("box-pidns");
        ProcessBuilder inABox = Containers.inPidNamespace(bridge, ws, "in-a-box", "-p", "hi");
        int client = inABox.command().indexOf(Bridge.CLIENT.toString());
        inABox.command()
                .addAll(
                        client,
                        List.of("/bin/sh", "-c", "readlink /proc/self/ns/pid > \"$0\"; exec \"$@\"", noted.toString()));
        Bridge.Result r = Bridge.run(inABox, new byte[0]);
        assertThat(r.status()).as(r.toString()).isZero();
        String container = "pidns:" + Files.readString(noted).replaceAll("\\D", "");

        assertThat(audit.endOf("on-the-host").path("peer").path("container").asText())
                .as("a caller in the daemon's own PID namespace")
                .isEmpty();
        JsonNode end = audit.endOf("in-a-box");
        List<JsonNode> both = audit.of(end.path("id").asText());
        assertThat(both).extracting(n -> n.path("event").asText()).containsExactly("start", "end");
        assertThat(both)
                .extracting(n -> n.path("peer").path("container").asText())
                .containsOnly(container);
    }

    @Test
    void theLogRotatesBySizeAndKeepsTwoFiles() throws IOException {
        for (int i = 0; i < 25; i++) {
            assertThat(Bridge.run(bridge.client(ws, "-p", "r" + i), new byte[0]).status())
                    .isZero();
        }
        audit.endOf(""); // the last request's end record is in
        assertThat(dir.resolve("audit.log.1")).exists();
        assertThat(dir.resolve("audit.log.2")).exists();
        assertThat(dir.resolve("audit.log.3")).doesNotExist();
        for (Path p : List.of(dir.resolve("audit.log"), dir.resolve("audit.log.1"), dir.resolve("audit.log.2"))) {
            assertThat(Files.size(p)).isLessThanOrEqualTo(8192);
            new AuditLines(p).all(); // whole JSON lines
        }
    }

    private static long uid() throws IOException {
        return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
    }

    private static String sha256(String s) throws Exception {
        return HexFormat.of()
                .formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    }
}
