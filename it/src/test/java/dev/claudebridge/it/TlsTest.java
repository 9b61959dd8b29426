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
import dev.claudebridge.protocol.Pem;
import dev.claudebridge.protocol.Request;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
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
    private static final String TOKEN = "token-of-agent-t-0123456789abcdefghijklmnop";
    private static final String REVOKED = "token-to-be-revoked-0123456789abcdefghijkl";
    private static final String SUBJECT = "CN=agent-1,O=test";

    private static Path dir;
    private static Path pki;
    private static TestPki ca;
    private static Path config;
    private static int port;
    private static int wrongNamePort;
    private static Bridge bridge;

    @BeforeAll
    static void start() throws Exception {
        dir = Bridge.tempDir();
        pki = Files.createDirectory(dir.resolve("pki"));
        ca = TestPki.ca(pki, "test-ca");
        TestPki stranger = TestPki.ca(pki, "stranger-ca");
        // two at a time: each is a keytool JVM or three
        ExecutorService pool = Executors.newFixedThreadPool(2);
        List<CompletableFuture<Path>> made = List.of(
                CompletableFuture.supplyAsync(
                        () -> ca.leaf("server", "CN=bridge", "ip:127.0.0.1,dns:localhost", false), pool),
                CompletableFuture.supplyAsync(
                        () -> ca.leaf("wrong-name", "CN=elsewhere", "dns:elsewhere.example", false), pool),
                CompletableFuture.supplyAsync(() -> ca.leaf("agent-1", SUBJECT, "", false), pool),
                CompletableFuture.supplyAsync(() -> ca.leaf("expired", "CN=agent-old,O=test", "", true), pool),
                CompletableFuture.supplyAsync(() -> stranger.leaf("stranger", "CN=agent-1,O=test", "", false), pool));
        made.forEach(CompletableFuture::join);
        pool.shutdown();
        Bridge.fakeClaude(dir);
        port = freePort();
        wrongNamePort = freePort();
        config = Bridge.writeConfig(dir, "config.yaml", yaml(true));
        bridge = Bridge.startWithConfig(dir, Map.of(), config);
        awaitPort(port);
    }

    @AfterAll
    static void stop() {
        if (bridge != null) {
            bridge.close(); // and the directory, certificates included
        }
    }

    private static String yaml(boolean withRevokable) {
        return yaml(dir, port, wrongNamePort, "10s", withRevokable);
    }

    /** A daemon in {@code home} with a socket (for the fixture), a TLS listener on {@code tls} and one with the wrong name. */
    private static String yaml(Path home, int tls, int wrongName, String handshakeTimeout, boolean withRevokable) {
        return """
                claude: { path: %s }
                listeners:
                  - { socket: %s }
                  - profile: default
                    tls:
                      listen: 127.0.0.1:%d
                      certificate: %s
                      key: %s
                      client-ca: %s
                      tokens: [ "agent-t=%s" %s ]
                  - tls: { listen: "127.0.0.1:%d", certificate: %s, key: %s, client-ca: %s }
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
                audit: { path: %s }
                """.formatted(
                        dir.resolve("fake-claude"),
                        home.resolve("b.sock"),
                        tls,
                        pki.resolve("server.crt"),
                        pki.resolve("server.key"),
                        ca.caCertificate(),
                        sha256(TOKEN),
                        withRevokable ? ", \"revokable=" + sha256(REVOKED) + "\"" : "",
                        wrongName,
                        pki.resolve("wrong-name.crt"),
                        pki.resolve("wrong-name.key"),
                        ca.caCertificate(),
                        SUBJECT,
                        handshakeTimeout,
                        home.resolve("audit.log"));
    }

    static String sha256(String token) {
        try {
            return "sha256:"
                    + java.util.HexFormat.of()
                            .formatHex(java.security.MessageDigest.getInstance("SHA-256")
                                    .digest(token.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A client of {@code urls} with the given TLS variables (file names in the PKI directory, or token values). */
    private static ProcessBuilder client(String urls, Map<String, String> tls, String... args) throws IOException {
        ProcessBuilder pb = bridge.client(dir, args);
        pb.environment().remove("CLAUDE_BRIDGE_SOCKET");
        pb.environment().put("CLAUDE_BRIDGE_URL", urls);
        pb.environment().put("CLAUDE_BRIDGE_CA", ca.caCertificate().toString());
        for (Map.Entry<String, String> e : tls.entrySet()) {
            switch (e.getKey()) {
                case "cert" -> {
                    pb.environment()
                            .put(
                                    "CLAUDE_BRIDGE_CERT",
                                    pki.resolve(e.getValue() + ".crt").toString());
                    pb.environment()
                            .put(
                                    "CLAUDE_BRIDGE_KEY",
                                    pki.resolve(e.getValue() + ".key").toString());
                }
                case "token" -> {
                    Path f = Files.writeString(Files.createTempFile(dir, "token", ""), e.getValue() + "\n");
                    pb.environment().put("CLAUDE_BRIDGE_TOKEN_FILE", f.toString());
                }
                case "ca" ->
                    pb.environment()
                            .put(
                                    "CLAUDE_BRIDGE_CA",
                                    pki.resolve(e.getValue() + ".crt").toString());
                default -> throw new IllegalArgumentException(e.getKey());
            }
        }
        pb.environment().put("CLAUDE_BRIDGE_CLIENT_NAME", "tls-" + System.nanoTime());
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
        ProcessBuilder pb = client(url(port), Map.of("cert", "agent-1"), "streams");
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
        Bridge.Result r = Bridge.run(client(url(wrongNamePort), Map.of("cert", "agent-1")), new byte[0]);
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
        Files.writeString(config, yaml(false));
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
            Files.writeString(config, yaml(true));
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
                        freePort(), pki.resolve("server.crt"), pki.resolve("server.key"), dir.resolve("open.log")));
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
        assertThat(out).isEqualTo("agent-x=" + sha256(token)).doesNotContain(token);
        assertThat(Files.getPosixFilePermissions(file))
                .containsExactlyInAnyOrder(
                        java.nio.file.attribute.PosixFilePermission.OWNER_READ,
                        java.nio.file.attribute.PosixFilePermission.OWNER_WRITE);
    }

    /** A daemon of its own (its own directory, audit log and ports), started from {@link #yaml}. */
    private static Bridge another(int tls, String handshakeTimeout) throws IOException {
        Path home = Bridge.tempDir();
        Path file = Bridge.writeConfig(home, "config.yaml", yaml(home, tls, freePort(), handshakeTimeout, false));
        Bridge b = Bridge.startWithConfig(home, Map.of(), file);
        awaitPort(tls);
        return b;
    }

    @Test
    void whenTheFirstBridgeIsKilledTheNextCallGoesToTheOther() throws Exception {
        int first = freePort();
        int second = freePort();
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

    @Test
    void twoHundredConcurrentCallsOverTlsAllSucceed() throws Exception {
        int p = freePort();
        // a handshake-timeout for a loaded 2-core machine: 200 TLS handshakes at once by a cold JVM take seconds
        try (Bridge b = another(p, "120s")) {
            SSLContext ctx = trusting(ca.caCertificate());
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
            assertThat(new AuditLines(b.dir.resolve("audit.log")).awaitEnds(210))
                    .filteredOn(n -> n.path("client").asText().equals("tls-load"))
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

    private static SSLContext trusting(Path caFile) throws Exception {
        KeyStore ts = KeyStore.getInstance("PKCS12");
        ts.load(null, null);
        List<Certificate> cas = Pem.certificates(Files.readAllBytes(caFile));
        ts.setCertificateEntry("ca", cas.getFirst());
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ts);
        SSLContext ctx = SSLContext.getInstance("TLSv1.3");
        ctx.init(null, tmf.getTrustManagers(), null);
        return ctx;
    }

    private static int count(String text, String what) {
        int n = 0;
        for (int i = text.indexOf(what); i >= 0; i = text.indexOf(what, i + 1)) {
            n++;
        }
        return n;
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    static void awaitPort(int p) {
        awaitPort("127.0.0.1", p);
    }

    /** Until something listens on {@code host:p} (30 s at most). */
    static void awaitPort(String host, int p) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            try (Socket s = new Socket(host, p)) {
                return;
            } catch (IOException e) {
                Bridge.sleep(50);
            }
        }
        throw new AssertionError("nothing listens on " + host + ":" + p);
    }
}
