package dev.claudebridge.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Each way of failing to reach a bridge has its own message and exit status, and none of them hangs;
 * the same message and status from either client.
 */
class ConnectErrorsTest {
    private static final String SEED_MESSAGE = """
            Claude Code Bridge Error: Unable to connect to host

            To use Claude Code in this container:
            1. Ensure claude-bridge service is running on host
            2. Check socket mount at /host/claude-bridge.sock
            3. Verify host has Claude Code installed and authenticated

            Alternative: Use Task Master with API-based models instead
            """;

    private final Path dir = Bridge.tempDir();

    @AfterEach
    void clean() {
        Bridge.deleteTree(dir);
    }

    private ProcessBuilder client(Client client, String socket, String... args) {
        ProcessBuilder pb = new ProcessBuilder(client.executable().toString()).directory(dir.toFile());
        pb.command().addAll(java.util.List.of(args));
        pb.environment().put("CLAUDE_BRIDGE_CACHE", Bridge.CLIENT_CACHE.toString());
        if (socket == null) {
            pb.environment().remove("CLAUDE_BRIDGE_SOCKET");
        } else {
            pb.environment().put("CLAUDE_BRIDGE_SOCKET", socket);
        }
        return pb;
    }

    @ParameterizedTest
    @EnumSource(Client.class)
    void noBridgeAtTheDefaultPathPrintsTheSeedMessageExactly(Client client) {
        Assumptions.assumeFalse(
                Files.exists(Path.of("/host/claude-bridge.sock")), "a real /host/claude-bridge.sock exists here");
        Bridge.Result r = Bridge.run(client(client, null, "--version"), new byte[0]);
        assertThat(r.status()).isEqualTo(69);
        assertThat(r.stderr()).startsWith(SEED_MESSAGE);
        assertThat(r.stderr()).contains("no socket at /host/claude-bridge.sock");
        assertThat(r.stdout()).isEmpty();
    }

    @Test
    void theNativeClientSaysATlsOrWebSocketBridgeIsBeyondItAndMovesOnToASocketListedAfter() {
        Client.NATIVE.executable(); // skips the test where the native client was not built
        try (Bridge bridge = Bridge.start()) {
            for (String url : java.util.List.of("tls://127.0.0.1:8443", "wss://bridge.example:8443")) {
                ProcessBuilder pb = bridge.client(Client.NATIVE, dir, "streams");
                // the URL list wins over the socket, as for the Java client
                pb.environment().put("CLAUDE_BRIDGE_URL", url);
                Bridge.Result r = Bridge.run(pb, new byte[0]);
                assertThat(r.status()).as("%s", r).isEqualTo(69);
                assertThat(r.stderr())
                        .isEqualTo("claude-bridge: " + url + ": this client speaks unix:// only; a tls:// or wss://"
                                + " bridge needs\nthe Java client (bin/claude), or a bridge socket mounted into this"
                                + " container.\n");
                assertThat(r.stdout()).isEmpty();

                pb.environment().put("CLAUDE_BRIDGE_URL", url + ",unix://" + bridge.socket);
                Bridge.Result next = Bridge.run(pb, new byte[0]);
                assertThat(next.status()).as("%s", next).isZero();
                assertThat(next.out()).isEqualTo("out-1\nout-2\nout-3\n");
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Client.class)
    void staleSocketFileIsNamedAsSuch(Client client) throws IOException {
        Path sock = dir.resolve("stale.sock");
        try (ServerSocketChannel s = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            s.bind(UnixDomainSocketAddress.of(sock)); // closed without unlinking: the file stays, nobody listens
        }
        Bridge.Result r = Bridge.run(client(client, sock.toString(), "-p", "hi"), new byte[0]);
        assertThat(r.status()).isEqualTo(69);
        assertThat(r.stderr()).startsWith(SEED_MESSAGE.replace("/host/claude-bridge.sock", sock.toString()));
        assertThat(r.stderr()).contains("nothing is listening on " + sock).contains("stale socket");
    }

    @ParameterizedTest
    @EnumSource(Client.class)
    void aDirectoryWhereTheSocketShouldBeIsNamedAsSuch(Client client) throws IOException {
        // what `docker run -v SOCKET:...` leaves when the socket did not exist yet
        Path sock = Files.createDirectory(dir.resolve("made-by-docker.sock"));
        Bridge.Result r = Bridge.run(client(client, sock.toString(), "-p", "hi"), new byte[0]);
        assertThat(r.status()).isEqualTo(69);
        assertThat(r.stderr()).startsWith(SEED_MESSAGE.replace("/host/claude-bridge.sock", sock.toString()));
        assertThat(r.stderr()).contains(sock + " is a directory").doesNotContain("stale");
    }

    @ParameterizedTest
    @EnumSource(Client.class)
    void aSocketThisUserMayNotOpenIsPermissionDenied(Client client) throws Exception {
        Assumptions.assumeTrue(
                "root".equals(System.getProperty("user.name")), "needs root to run the client as another user");
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/setpriv")), "needs setpriv (util-linux)");
        Path launcher = client.readableExecutable();
        try (Bridge bridge = Bridge.start("--socket-mode", "0600")) {
            String java = ProcessHandle.current().info().command().orElseThrow();
            ProcessBuilder pb = new ProcessBuilder(
                            "/usr/bin/setpriv",
                            "--reuid=65534",
                            "--regid=65534",
                            "--clear-groups",
                            launcher.toString(),
                            "--version")
                    .directory(Path.of("/").toFile());
            pb.environment().put("CLAUDE_BRIDGE_SOCKET", bridge.socket.toString());
            pb.environment().put("CLAUDE_BRIDGE_JAVA", java);
            pb.environment().put("CLAUDE_BRIDGE_CACHE", "/nonexistent/cache");
            Bridge.Result r = Bridge.run(pb, new byte[0]);
            assertThat(r.status()).as(r.toString()).isEqualTo(77);
            assertThat(r.stderr())
                    .contains("permission denied on " + bridge.socket)
                    .contains("uid 65534");
        }
    }

    @ParameterizedTest
    @EnumSource(Client.class)
    void aPeerThatIsNotABridgeIsAProtocolMismatch(Client client) throws Exception {
        Path sock = dir.resolve("http.sock");
        try (ServerSocketChannel s = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            s.bind(UnixDomainSocketAddress.of(sock));
            Thread server = Thread.ofVirtual().start(() -> {
                try (SocketChannel c = s.accept()) {
                    c.read(ByteBuffer.allocate(64)); // like any server: read the request, then answer it
                    c.write(ByteBuffer.wrap("HTTP/1.1 400 Bad Request\r\n\r\n".getBytes(StandardCharsets.US_ASCII)));
                } catch (IOException e) {
                    // client went away
                }
            });
            Bridge.Result r = Bridge.run(client(client, sock.toString(), "--version"), new byte[0]);
            server.join(TimeUnit.SECONDS.toMillis(10));
            assertThat(r.status()).isEqualTo(76);
            assertThat(r.stderr()).contains("protocol mismatch");
        }
    }

    @Test
    void aClientOfAnotherVersionIsToldSoByTheDaemon() throws Exception {
        try (Bridge bridge = Bridge.start();
                SocketChannel c = SocketChannel.open(UnixDomainSocketAddress.of(bridge.socket))) {
            byte[] hello = {0x01, 0, 0, 0, 8, 'C', 'B', 'R', 'I', 'D', 'G', 'E', 9};
            c.write(ByteBuffer.wrap(hello));
            ByteBuffer answer = ByteBuffer.allocate(4096);
            while (c.read(answer) >= 0 && answer.hasRemaining()) {
                // read until the daemon closes
            }
            answer.flip();
            assertThat(answer.get()).as("frame type").isEqualTo((byte) 0x13);
            answer.position(5);
            byte[] rest = new byte[answer.remaining()];
            answer.get(rest);
            String text = new String(rest, StandardCharsets.UTF_8);
            assertThat(rest[0]).as("exit status").isEqualTo((byte) 76);
            assertThat(text).contains("protocol_mismatch").contains("version 9").contains("version 1");
        }
    }

    @ParameterizedTest
    @EnumSource(Client.class)
    void missingClaudeOnTheHostIsItsOwnError(Client client) {
        Path dir2 = Bridge.tempDir();
        try (Bridge bridge = Bridge.start(
                dir2,
                java.util.Map.of(),
                java.util.List.of("--claude", dir2.resolve("no-such-claude").toString()))) {
            Bridge.Result r = bridge.run(client, "--version");
            assertThat(r.status()).isEqualTo(127);
            assertThat(r.stderr())
                    .contains("claude is not installed on the host")
                    .contains("--claude");
            assertThat(bridge.log()).contains("claude was not found on this host");
        }
    }

    @Test
    void aSecondDaemonOnALiveSocketRefusesToStart() throws Exception {
        try (Bridge bridge = Bridge.start()) {
            Process second = new ProcessBuilder(
                            Bridge.DAEMON.toString(),
                            "serve",
                            "--socket",
                            bridge.socket.toString(),
                            "--audit-log",
                            bridge.dir.resolve("second-audit.log").toString())
                    .redirectErrorStream(true)
                    .start();
            assertThat(second.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(second.exitValue()).isEqualTo(1);
            assertThat(new String(second.getInputStream().readAllBytes(), StandardCharsets.UTF_8))
                    .contains("another bridge is already listening on " + bridge.socket);
            // and the first one still serves
            assertThat(bridge.run("exit", "3").status()).isEqualTo(3);
        }
    }

    @Test
    void socketFileModeDefaultsTo0660() throws IOException {
        try (Bridge bridge = Bridge.start()) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(bridge.socket)))
                    .isEqualTo("rw-rw----");
        }
    }
}
