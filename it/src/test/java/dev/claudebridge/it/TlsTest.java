package dev.claudebridge.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.claudebridge.protocol.BridgeError;
import dev.claudebridge.protocol.ClientHandshake;
import dev.claudebridge.protocol.Exit;
import dev.claudebridge.protocol.Frame;
import dev.claudebridge.protocol.FrameReader;
import dev.claudebridge.protocol.FrameType;
import dev.claudebridge.protocol.FrameWriter;
import dev.claudebridge.protocol.Hello;
import dev.claudebridge.protocol.Request;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Agents on another host, over TCP with TLS 1.3 on 127.0.0.1: certificates made by the test, the real
 * client ({@code bin/claude} with {@code CLAUDE_BRIDGE_URL}) against a real daemon. A request runs end to
 * end with a client certificate and with a token; every way in that is not good enough is refused with
 * its own error (the client's status and message) and its own audit record; a dead bridge is skipped
 * before the request starts; 200 calls at once all succeed.
 */
@Timeout(value = 600, unit = TimeUnit.SECONDS)
class TlsTest {
    private static final String TOKEN = NetworkBridge.TOKEN;
    private static final String REVOKED = "token-to-be-revoked-0123456789abcdefghijkl";
    private static final String SUBJECT = TestPki.AGENT_SUBJECT;

    private static Path dir;
    private static Path claude;
    private static int port;
    private static int wrongNamePort;
    private static Bridge bridge;

    @BeforeAll
    static void start() {
        dir = Bridge.tempDir();
        claude = Bridge.fakeClaude(dir);
        port = NetworkBridge.freePort();
        wrongNamePort = NetworkBridge.freePort();
        bridge = NetworkBridge.start(dir, claude, listeners(port, wrongNamePort, true), more(dir, "10s"));
    }

    @AfterAll
    static void stop() {
        if (bridge != null) {
            bridge.close(); // and the directory
        }
    }

    /** A TLS listener on {@code tls} (certificates, {@link #TOKEN} and maybe {@link #REVOKED}) and one with the wrong name. */
    private static List<NetworkBridge.Listener> listeners(int tls, int wrongName, boolean withRevokable) {
        List<String> tokens = new ArrayList<>(List.of(NetworkBridge.TOKEN_NAME + "=" + TOKEN));
        if (withRevokable) {
            tokens.add("revokable=" + REVOKED);
        }
        return List.of(
                NetworkBridge.Listener.tls(tls).tokens(tokens).profile("default"),
                NetworkBridge.Listener.tls(wrongName)
                        .on("127.0.0.1", "wrong-name")
                        .tokens(List.of()));
    }

    /** The profiles and limits of a daemon in {@code home}, with its admin socket there. */
    private static String more(Path home, String handshakeTimeout) {
        return """
                profiles:
                  default: { rate: { per-minute: 0 }, max-running: 64 }
                  certs: { match: { certificates: [ "%s" ] }, rate: { per-minute: 0 }, max-running: 64 }
                limits:
                  handshake-timeout: %s
                  max-running: 16
                  max-queued: 400
                  client-max-queued: 400
                  max-connections: 600
                  client-max-connections: 600
                admin: { socket: "%s" }
                """.formatted(SUBJECT, handshakeTimeout, home.resolve("admin.sock"));
    }

    /** A client of {@code urls} with the given TLS variables (names of the shared PKI's files, or token values). */
    private static ProcessBuilder client(String urls, Map<String, String> tls, String... args) {
        ProcessBuilder pb = bridge.client(dir, args);
        Map<String, String> env = pb.environment();
        NetworkBridge.reach(env, urls);
        tls.forEach((key, value) -> {
            switch (key) {
                case "cert" -> NetworkBridge.presentCertificate(env, value);
                case "token" -> NetworkBridge.sendToken(env, dir, value);
                case "ca" ->
                    env.put(
                            "CLAUDE_BRIDGE_CA",
                            TestPki.shared().certificate(value).toString());
                default -> throw new IllegalArgumentException(key);
            }
        });
        env.put("CLAUDE_BRIDGE_CLIENT_NAME", "tls-" + System.nanoTime());
        return pb;
    }

    private static String url(int p) {
        return "tls://127.0.0.1:" + p;
    }

    private static AuditLines audit() {
        return new AuditLines(dir.resolve("audit.log"));
    }

    /** The end record matching {@code which}, waited for (records of refused handshakes carry no client name). */
    private static JsonNode awaitEnd(Predicate<JsonNode> which) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            for (JsonNode n : audit().ends()) {
                if (which.test(n)) {
                    return n;
                }
            }
            Bridge.sleep(20);
        }
        throw new AssertionError("no such end record in:\n" + audit().all());
    }

    private static Predicate<JsonNode> detail(String outcome, String text) {
        return n -> n.path("outcome").asText().equals(outcome)
                && n.path("detail").asText().contains(text);
    }

    @Test
    void aRequestRunsEndToEndWithAClientCertificateBoundToItsProfile() throws Exception {
        ProcessBuilder pb = client(url(port), Map.of("cert", "agent"), "streams");
        String name = pb.environment().get("CLAUDE_BRIDGE_CLIENT_NAME");
        Bridge.Result r = Bridge.run(pb, new byte[0]);
        assertThat(r.status()).as("%s", r).isZero();
        assertThat(r.out()).isEqualTo("out-1\nout-2\nout-3\n");
        assertThat(r.stderr()).contains("err-1");
        JsonNode end = audit().endOf(name);
        assertThat(end.path("listener").asText()).isEqualTo(url(port));
        assertThat(end.path("peer").path("kind").asText()).isEqualTo("certificate");
        assertThat(end.path("peer").path("name").asText()).isEqualTo(SUBJECT);
        assertThat(end.path("peer").path("fingerprint").asText()).matches("sha256:[0-9a-f]{64}");
        assertThat(end.path("profile").asText()).isEqualTo("certs");
        assertThat(end.path("outcome").asText()).isEqualTo("exit");
    }

    @Test
    void aRequestRunsEndToEndWithATokenAndTheTokenIsNeverWrittenDown() throws Exception {
        ProcessBuilder pb = client(url(port), Map.of("token", TOKEN), "streams");
        String name = pb.environment().get("CLAUDE_BRIDGE_CLIENT_NAME");
        Bridge.Result r = Bridge.run(pb, new byte[0]);
        assertThat(r.status()).as("%s", r).isZero();
        assertThat(r.out()).isEqualTo("out-1\nout-2\nout-3\n");
        JsonNode end = audit().endOf(name);
        assertThat(end.path("peer").path("kind").asText()).isEqualTo("token");
        assertThat(end.path("peer").path("name").asText()).isEqualTo("agent-t");
        assertThat(end.path("profile").asText()).isEqualTo("default");
        assertThat(Files.readString(dir.resolve("audit.log"))).doesNotContain(TOKEN);
        assertThat(bridge.log()).doesNotContain(TOKEN);
    }

    @Test
    void aClientCertificateFromAnotherCaIsRefused() throws Exception {
        Bridge.Result r = Bridge.run(client(url(port), Map.of("cert", "stranger")), new byte[0]);
        assertThat(r.status()).as("%s", r).isEqualTo(79);
        assertThat(r.stderr()).contains("certificate refused").contains("refused this client's certificate");
        awaitEnd(detail("certificate_refused", "not signed by this listener's client-ca"));
    }

    @Test
    void anExpiredClientCertificateIsRefused() throws Exception {
        Bridge.Result r = Bridge.run(client(url(port), Map.of("cert", "expired")), new byte[0]);
        assertThat(r.status()).as("%s", r).isEqualTo(79);
        assertThat(r.stderr()).contains("certificate refused");
        awaitEnd(detail("certificate_refused", "has expired"));
    }

    @Test
    void aBridgeWhoseCertificateNamesAnotherHostIsRefusedByTheClient() throws Exception {
        Bridge.Result r = Bridge.run(client(url(wrongNamePort), Map.of("cert", "agent")), new byte[0]);
        assertThat(r.status()).as("%s", r).isEqualTo(81);
        assertThat(r.stderr()).contains("host name mismatch").contains("does not name 127.0.0.1");
        awaitEnd(n -> n.path("listener").asText().equals(url(wrongNamePort))
                && n.path("outcome").asText().equals("certificate_refused")
                && n.path("detail").asText().contains("the client refused the bridge's certificate"));
    }

    @Test
    void aBridgeSignedByAnUnknownCaIsRefusedByTheClient() throws Exception {
        Bridge.Result r = Bridge.run(client(url(port), Map.of("ca", "stranger-ca", "token", TOKEN)), new byte[0]);
        assertThat(r.status()).as("%s", r).isEqualTo(79);
        assertThat(r.stderr()).contains("not signed by a CA this client trusts");
        // the daemon's record says the client broke the handshake off: its alert, or its close if the
        // close overtook the alert; never the handshake-timeout, which the daemon did not reach
        awaitEnd(n -> n.path("detail").asText().contains("TLS handshake with")
                && (n.path("detail").asText().contains("the client refused the bridge's certificate")
                        || n.path("detail").asText().contains("the client went away")
                        || n.path("detail").asText().contains("the client closed the connection")));
    }

    @Test
    void aCallerWithNeitherCertificateNorTokenIsRefused() throws Exception {
        ProcessBuilder pb = client(url(port), Map.of(), "streams");
        Bridge.Result r = Bridge.run(pb, new byte[0]);
        assertThat(r.status()).as("%s", r).isEqualTo(80);
        assertThat(r.stderr()).contains("sent neither");
        awaitEnd(detail("token_refused", "sent neither"));
    }

    @Test
    void aWrongTokenIsRefused() throws Exception {
        Bridge.Result r = Bridge.run(client(url(port), Map.of("token", "not-a-token-of-this-bridge")), new byte[0]);
        assertThat(r.status()).as("%s", r).isEqualTo(80);
        assertThat(r.stderr()).contains("does not accept this token");
        JsonNode end = awaitEnd(detail("token_refused", "unknown or revoked"));
        assertThat(end.path("peer").path("kind").asText()).isEqualTo("address");
        assertThat(Files.readString(dir.resolve("audit.log"))).doesNotContain("not-a-token-of-this-bridge");
    }

    @Test
    void aTokenRemovedFromTheConfigurationIsRefusedAfterAReload() throws Exception {
        Bridge.Result before = Bridge.run(client(url(port), Map.of("token", REVOKED), "streams"), new byte[0]);
        assertThat(before.status()).as("%s", before).isZero();
        int reloads = count(bridge.log(), "configuration reloaded");
        NetworkBridge.configFile(
                dir, NetworkBridge.config(dir, claude, listeners(port, wrongNamePort, false), more(dir, "10s")));
        try {
            Process hup = new ProcessBuilder("kill", "-HUP", Long.toString(bridge.daemonPid())).start();
            assertThat(hup.waitFor(10, TimeUnit.SECONDS)).isTrue();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (count(bridge.log(), "configuration reloaded") == reloads && System.nanoTime() < deadline) {
                Bridge.sleep(50);
            }
            assertThat(bridge.log()).contains("TLS certificate, key and client CA read again");
            Bridge.Result after = Bridge.run(client(url(port), Map.of("token", REVOKED), "streams"), new byte[0]);
            assertThat(after.status()).as("%s", after).isEqualTo(80);
            awaitEnd(detail("token_refused", "unknown or revoked"));
            // the other token still works
            assertThat(Bridge.run(client(url(port), Map.of("token", TOKEN), "streams"), new byte[0])
                            .status())
                    .isZero();
        } finally {
            NetworkBridge.configFile(
                    dir, NetworkBridge.config(dir, claude, listeners(port, wrongNamePort, true), more(dir, "10s")));
        }
    }

    @Test
    void aReloadWhoseCertificateDoesNotReadIsRejectedAndTheListenerKeepsItsOwn() throws Exception {
        // a renewal caught half-written: the file the configuration names is not a certificate
        Path broken = Files.writeString(dir.resolve("half-written.crt"), "-----BEGIN CERTIFICATE-----\nMIIB\n");
        String good = NetworkBridge.config(dir, claude, listeners(port, wrongNamePort, true), more(dir, "10s"));
        String server = TestPki.shared().certificate("server").toString();
        assertThat(good).contains(server);
        NetworkBridge.configFile(
                dir, good.replaceFirst(Pattern.quote(server), Matcher.quoteReplacement(broken.toString())));
        try {
            Bridge.Result reload = Operators.cli("reload", "--socket", bridge.socket.toString());
            assertThat(reload.status()).as("%s", reload).isEqualTo(1);
            assertThat(reload.stderr())
                    .contains("REJECTED by the daemon, which keeps its configuration")
                    .contains(url(port).substring("tls://".length()))
                    .contains(broken.toString());
            // the listener serves on with the certificate it had
            Bridge.Result after = Bridge.run(client(url(port), Map.of("token", TOKEN), "streams"), new byte[0]);
            assertThat(after.status()).as("%s", after).isZero();
        } finally {
            NetworkBridge.configFile(dir, good);
        }
    }

    @Test
    void aPlaintextClientOnTheTlsPortIsRefused() throws Exception {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(30_000);
            new FrameWriter(s.getOutputStream()).write(new Hello(Hello.VERSION, "plain").toFrame());
            InputStream in = s.getInputStream();
            while (in.read() >= 0) {
                // whatever TLS says (an alert), then the end
            }
        } catch (IOException e) {
            // reset: refused all the same
        }
        awaitEnd(detail("protocol_mismatch", "plaintext on the TLS port"));
    }

    @Test
    void aStalledTlsHandshakeIsDroppedAtTheHandshakeTimeout() throws Exception {
        long started = System.nanoTime();
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(60_000);
            s.getOutputStream().write(new byte[] {0x16, 0x03, 0x01}); // the first bytes of a ClientHello, then nothing
            s.getOutputStream().flush();
            InputStream in = s.getInputStream();
            while (in.read() >= 0) {
                // nothing of TLS can come; the end is what counts
            }
        } catch (java.net.SocketException e) {
            // reset by the daemon's close: dropped all the same
        }
        assertThat(System.nanoTime() - started).isGreaterThan(TimeUnit.SECONDS.toNanos(9));
        awaitEnd(detail("connection_lost", "not finished within the handshake-timeout"));
    }

    @Test
    void aTlsListenerWithoutClientAuthenticationDoesNotStart() throws Exception {
        Path file = Bridge.writeConfig(dir, "open.yaml", """
                listeners:
                  - tls: { listen: "127.0.0.1:%d", certificate: %s, key: %s }
                audit: { path: %s }
                """.formatted(
                        NetworkBridge.freePort(),
                        TestPki.shared().certificate("server"),
                        TestPki.shared().key("server"),
                        dir.resolve("open.log")));
        Process p = new ProcessBuilder(
                        Bridge.DAEMON.toString(), "serve", "--config", file.toString(), "--admin-listen", "off")
                .redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isEqualTo(2);
        assertThat(out).contains("needs client authentication");
    }

    @Test
    void theTokenCommandWritesTheTokenForTheAgentAndPrintsOnlyItsHash() throws Exception {
        Path file = dir.resolve("agent-x.token");
        Process p = new ProcessBuilder(Bridge.DAEMON.toString(), "token", "agent-x", "--out", file.toString()).start();
        String out = new String(p.getInputStream().readAllBytes()).strip();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isZero();
        String token = Files.readString(file).strip();
        assertThat(out).isEqualTo("agent-x=" + NetworkBridge.sha256(token)).doesNotContain(token);
        assertThat(Files.getPosixFilePermissions(file))
                .containsExactlyInAnyOrder(
                        java.nio.file.attribute.PosixFilePermission.OWNER_READ,
                        java.nio.file.attribute.PosixFilePermission.OWNER_WRITE);
    }

    /** A daemon of its own (its own directory, audit log and ports) with this suite's listeners. */
    private static Bridge another(int tls, String handshakeTimeout) {
        Path home = Bridge.tempDir();
        return NetworkBridge.start(
                home, claude, listeners(tls, NetworkBridge.freePort(), false), more(home, handshakeTimeout));
    }

    @Test
    void whenTheFirstBridgeIsKilledTheNextCallGoesToTheOther() throws Exception {
        int first = NetworkBridge.freePort();
        int second = NetworkBridge.freePort();
        try (Bridge a = another(first, "10s");
                Bridge b = another(second, "10s")) {
            String urls = url(first) + "," + url(second);
            ProcessBuilder one = client(urls, Map.of("token", TOKEN), "streams");
            Bridge.Result r1 = Bridge.run(one, new byte[0]);
            assertThat(r1.status()).as("%s", r1).isZero();
            new AuditLines(a.dir.resolve("audit.log")).endOf(one.environment().get("CLAUDE_BRIDGE_CLIENT_NAME"));
            a.daemon().destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            ProcessBuilder two = client(urls, Map.of("token", TOKEN), "streams");
            Bridge.Result r2 = Bridge.run(two, new byte[0]);
            assertThat(r2.status()).as("%s", r2).isZero();
            assertThat(r2.out()).isEqualTo("out-1\nout-2\nout-3\n");
            JsonNode end = new AuditLines(b.dir.resolve("audit.log"))
                    .endOf(two.environment().get("CLAUDE_BRIDGE_CLIENT_NAME"));
            assertThat(end.path("listener").asText()).isEqualTo(url(second));
        }
    }

    private static List<JsonNode> loadEnds(AuditLines audit) {
        return audit.ends().stream()
                .filter(n -> n.path("client").asText().equals("tls-load"))
                .toList();
    }

    @Test
    void twoHundredConcurrentCallsOverTlsAllSucceed() throws Exception {
        int p = NetworkBridge.freePort();
        // a handshake-timeout for a loaded 2-core machine: 200 TLS handshakes at once by a cold JVM take seconds
        try (Bridge b = another(p, "120s")) {
            SSLContext ctx = NetworkBridge.trustingTheSharedCa();
            ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
            // warm up: the JIT compiles TLS's code paths on both sides
            for (int i = 0; i < 10; i++) {
                assertThat(rawCall(ctx, p, TOKEN)).isEqualTo("exit 0: out-1\nout-2\nout-3\n");
            }
            List<CompletableFuture<String>> calls = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                calls.add(CompletableFuture.supplyAsync(() -> rawCall(ctx, p, TOKEN), threads));
            }
            List<String> answers = calls.stream().map(CompletableFuture::join).toList();
            threads.shutdown();
            assertThat(answers)
                    .as("answers, how many of each: %s\ndaemon log:\n%s", tally(answers), b.log())
                    .hasSize(200)
                    .allMatch("exit 0: out-1\nout-2\nout-3\n"::equals);
            // the end records come after the answers; the fixture's own probe of the socket has one too
            AuditLines audit = new AuditLines(b.dir.resolve("audit.log"));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (loadEnds(audit).size() < 210 && System.nanoTime() < deadline) {
                Bridge.sleep(50);
            }
            assertThat(loadEnds(audit))
                    .hasSize(210)
                    .allMatch(n -> n.path("outcome").asText().equals("exit")
                            && n.path("peer").path("kind").asText().equals("token"));
        }
    }

    /** One call over TLS by the protocol itself (200 JVMs would not fit this machine): the handshake with a token, frames to EXIT. */
    private static String rawCall(SSLContext ctx, int p, String token) {
        try (SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket()) {
            s.connect(new InetSocketAddress("127.0.0.1", p), 30_000);
            s.setSoTimeout(120_000);
            FrameWriter w = new FrameWriter(s.getOutputStream());
            FrameReader r = new FrameReader(new BufferedInputStream(s.getInputStream()));
            ClientHandshake.Outcome opened = new ClientHandshake(r, w)
                    .open(
                            new Hello(Hello.VERSION, "tls-load", Optional.of(token)),
                            new Request(List.of("streams"), Map.of(), "/", Optional.empty(), "tls-load"),
                            queued -> {});
            if (opened instanceof ClientHandshake.Refused refused) {
                return "error " + refused.error().message();
            }
            if (opened instanceof ClientHandshake.Closed) {
                return "closed early: ";
            }
            StringBuilder out = new StringBuilder();
            while (true) {
                Optional<Frame> f = r.read();
                if (f.isEmpty()) {
                    return "closed early: " + out;
                }
                Frame frame = f.get();
                if (frame.type() == FrameType.STDOUT) {
                    out.append(new String(frame.payload(), java.nio.charset.StandardCharsets.UTF_8));
                } else if (frame.type() == FrameType.EXIT) {
                    return "exit " + Exit.fromFrame(frame).value() + ": " + out;
                } else if (frame.type() == FrameType.ERROR) {
                    return "error " + BridgeError.fromFrame(frame).message();
                }
            }
        } catch (IOException e) {
            return "failed: " + e;
        }
    }

    private static Map<String, Long> tally(List<String> answers) {
        return answers.stream()
                .collect(java.util.stream.Collectors.groupingBy(a -> a, java.util.stream.Collectors.counting()));
    }

    private static int count(String text, String what) {
        int n = 0;
        for (int i = text.indexOf(what); i >= 0; i = text.indexOf(what, i + 1)) {
            n++;
        }
        return n;
    }
}
