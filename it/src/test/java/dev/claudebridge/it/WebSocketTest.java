package dev.claudebridge.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The bridge over WebSocket ({@code wss://}), as a proxy-friendly transport and for clients in other
 * languages: a real daemon with a WebSocket listener on 127.0.0.1 and certificates made by the test.
 * The Java client ({@code CLAUDE_BRIDGE_URL=wss://...}) and a Python client written from PROTOCOL.md
 * alone run requests end to end (argv, stdin, stdout, stderr, exit status) and are identified by
 * token or certificate in the audit log as on the TLS listener; a caller without a good token is
 * refused with its own status and record.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class WebSocketTest {
    private static final String TOKEN = NetworkBridge.TOKEN;
    /** Debian's python3 (python3-websockets is a Debian package; a pyenv python on PATH lacks it). */
    private static final Path PYTHON = Path.of("/usr/bin/python3");

    private static Path dir;
    private static NetworkBridge.Listener listener;
    private static Bridge bridge;

    @BeforeAll
    static void start() {
        dir = Bridge.tempDir();
        listener = NetworkBridge.Listener.tls(NetworkBridge.freePort())
                .websocket(true)
                .profile("default");
        bridge = NetworkBridge.start(
                dir, Bridge.fakeClaude(dir), List.of(listener), "profiles: { default: { rate: { per-minute: 0 } } }");
    }

    @AfterAll
    static void stop() {
        if (bridge != null) {
            bridge.close();
        }
    }

    private static String url() {
        return listener.url();
    }

    private static Path tokenFile(String token) throws IOException {
        return Files.writeString(Files.createTempFile(dir, "token", ""), token + "\n");
    }

    /** The Java client on the WebSocket listener. */
    private static ProcessBuilder javaClient(Map<String, String> env, String... args) {
        ProcessBuilder pb = bridge.client(dir, args);
        NetworkBridge.reach(pb.environment(), url());
        pb.environment().put("CLAUDE_BRIDGE_CLIENT_NAME", "ws-" + System.nanoTime());
        pb.environment().putAll(env);
        return pb;
    }

    /** The Python client (it/src/test/python/ws_client.py) on the WebSocket listener; its client name is "python". */
    private static ProcessBuilder pythonClient(String token, String... args) throws IOException {
        Assumptions.assumeTrue(
                Files.isExecutable(PYTHON) && python("import websockets"),
                "no Debian python3 with python3-websockets (./build.sh test installs it): skipped");
        List<String> cmd = new ArrayList<>(List.of(
                PYTHON.toString(),
                Path.of("src/test/python/ws_client.py").toAbsolutePath().toString(),
                url() + "/claude-bridge",
                TestPki.shared().caCertificate().toString(),
                token == null ? "-" : tokenFile(token).toString(),
                dir.toString()));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).directory(dir.toFile());
    }

    private static boolean python(String code) {
        try {
            Process p = new ProcessBuilder(PYTHON.toString(), "-c", code)
                    .redirectErrorStream(true)
                    .start();
            p.getInputStream().readAllBytes();
            return p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    private static AuditLines audit() {
        return new AuditLines(dir.resolve("audit.log"));
    }

    @Test
    void theJavaClientRunsARequestWithATokenAndAMegabyteOfStdinComesBackWhole() throws Exception {
        ProcessBuilder pb =
                javaClient(Map.of("CLAUDE_BRIDGE_TOKEN_FILE", tokenFile(TOKEN).toString()), "cat");
        String name = pb.environment().get("CLAUDE_BRIDGE_CLIENT_NAME");
        byte[] input = new byte[1 << 20];
        new Random(7).nextBytes(input);
        Bridge.Result r = Bridge.run(pb, input);
        assertThat(r.status()).as("%s", r).isZero();
        assertThat(r.stdout()).isEqualTo(input);
        JsonNode end = audit().endOf(name);
        assertThat(end.path("listener").asText()).isEqualTo(url());
        assertThat(end.path("peer").path("kind").asText()).isEqualTo("token");
        assertThat(end.path("peer").path("name").asText()).isEqualTo(NetworkBridge.TOKEN_NAME);
        assertThat(Files.readString(dir.resolve("audit.log"))).doesNotContain(TOKEN);
    }

    @Test
    void theJavaClientWithACertificateGetsTheProcessesStatusAndStreams() throws Exception {
        ProcessBuilder pb = javaClient(
                Map.of(
                        "CLAUDE_BRIDGE_CERT",
                                TestPki.shared().certificate("agent").toString(),
                        "CLAUDE_BRIDGE_KEY", TestPki.shared().key("agent").toString()),
                "streams");
        String name = pb.environment().get("CLAUDE_BRIDGE_CLIENT_NAME");
        Bridge.Result r = Bridge.run(pb, new byte[0]);
        assertThat(r.status()).as("%s", r).isZero();
        assertThat(r.out()).isEqualTo("out-1\nout-2\nout-3\n");
        assertThat(r.stderr()).contains("err-1").contains("err-3");
        JsonNode end = audit().endOf(name);
        assertThat(end.path("peer").path("kind").asText()).isEqualTo("certificate");
        assertThat(end.path("peer").path("name").asText()).isEqualTo(TestPki.AGENT_SUBJECT);

        Bridge.Result seven = Bridge.run(
                javaClient(Map.of("CLAUDE_BRIDGE_TOKEN_FILE", tokenFile(TOKEN).toString()), "exit", "7"), new byte[0]);
        assertThat(seven.status()).as("%s", seven).isEqualTo(7);
    }

    @Test
    void aPythonClientWrittenFromTheProtocolDocumentRunsARequest() throws Exception {
        List<String> args = List.of("args", "-p", "", "two words", "a \"quoted\" word", "naïve ✓");
        Bridge.Result r = Bridge.run(pythonClient(TOKEN, args.toArray(String[]::new)), new byte[0]);
        assertThat(r.status()).as("%s", r).isZero();
        StringBuilder expected = new StringBuilder();
        for (String a : args.subList(1, args.size())) {
            expected.append(HexFormat.of().formatHex(a.getBytes(StandardCharsets.UTF_8)))
                    .append('\n');
        }
        assertThat(r.out()).isEqualTo(expected.toString());

        byte[] input = "line one\nline two\n".repeat(5000).getBytes(StandardCharsets.UTF_8);
        Bridge.Result cat = Bridge.run(pythonClient(TOKEN, "cat"), input);
        assertThat(cat.status()).as("%s", cat).isZero();
        assertThat(cat.stdout()).isEqualTo(input);

        Bridge.Result three = Bridge.run(pythonClient(TOKEN, "exit", "3"), new byte[0]);
        assertThat(three.status()).as("%s", three).isEqualTo(3);
        assertThat(audit().ends()).anySatisfy(n -> {
            assertThat(n.path("client").asText()).isEqualTo("python");
            assertThat(n.path("listener").asText()).isEqualTo(url());
            assertThat(n.path("peer").path("kind").asText()).isEqualTo("token");
        });
    }

    @Test
    void aWrongTokenIsRefusedForEitherClientWithItsOwnStatusAndRecord() throws Exception {
        Bridge.Result py = Bridge.run(pythonClient("not-this-bridges-token", "streams"), new byte[0]);
        assertThat(py.status()).as("%s", py).isEqualTo(80);
        assertThat(py.stderr()).contains("does not accept this token");
        assertThat(py.out()).isEmpty();

        Bridge.Result java = Bridge.run(javaClient(Map.of(), "streams"), new byte[0]);
        assertThat(java.status()).as("%s", java).isEqualTo(80);
        assertThat(java.stderr()).contains("sent neither");
        assertThat(java.out()).isEmpty();

        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline
                && audit().ends().stream()
                                .filter(n -> n.path("outcome").asText().equals("token_refused")
                                        && n.path("listener").asText().equals(url()))
                                .count()
                        < 2) {
            Bridge.sleep(50);
        }
        assertThat(audit().ends())
                .filteredOn(n -> n.path("outcome").asText().equals("token_refused"))
                .hasSizeGreaterThanOrEqualTo(2)
                .allSatisfy(
                        n -> assertThat(n.path("peer").path("kind").asText()).isEqualTo("address"));
        assertThat(Files.readString(dir.resolve("audit.log"))).doesNotContain("not-this-bridges-token");
    }

    @Test
    void aClientThatDoesNotTrustTheBridgesCertificateSaysSo() throws Exception {
        Path stranger = TestPki.stranger().caCertificate();
        Bridge.Result r = Bridge.run(
                javaClient(Map.of(
                        "CLAUDE_BRIDGE_CA", stranger.toString(),
                        "CLAUDE_BRIDGE_TOKEN_FILE", tokenFile(TOKEN).toString())),
                new byte[0]);
        assertThat(r.status()).as("%s", r).isEqualTo(79);
        assertThat(r.stderr()).contains("not signed by a CA this client trusts");
    }
}
