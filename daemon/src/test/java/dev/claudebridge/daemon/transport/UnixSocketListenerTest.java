package dev.claudebridge.daemon.transport;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@Timeout(value = 30, unit = SECONDS)
class UnixSocketListenerTest {
    private static final Set<PosixFilePermission> OWNER_GROUP = PosixFilePermissions.fromString("rw-rw----");

    /** Short, because sun_path holds 107 bytes; @TempDir may live under a long java.io.tmpdir. */
    private Path dir;

    private final List<AutoCloseable> toClose = new ArrayList<>();

    @BeforeEach
    void shortTempDir() throws IOException {
        dir = Files.createTempDirectory(Path.of("/tmp"), "cbl-");
    }

    @AfterEach
    void cleanUp() throws Exception {
        for (AutoCloseable c : toClose.reversed()) {
            c.close();
        }
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"rw-rw----", "rw-------", "rw-rw-rw-"})
    void theSocketHasTheRequestedModeAndAcceptsConnections(String mode) throws IOException {
        Path path = dir.resolve("bridge.sock");

        UnixSocketListener l = bind(path, PosixFilePermissions.fromString(mode));

        assertThat(l.path()).isEqualTo(path);
        assertThat(isSocket(path)).isTrue();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(path)))
                .isEqualTo(mode);
        assertThat(canConnect(path)).isTrue();
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files).as("no temporary file left beside it").containsExactly(path);
        }
    }

    @Test
    void missingParentDirectoriesAreCreated() throws IOException {
        Path path = dir.resolve("run/bridge/b.sock");
        bind(path, OWNER_GROUP);
        assertThat(isSocket(path)).isTrue();
    }

    @Test
    void aStaleSocketFileIsReplaced() throws IOException {
        Path path = dir.resolve("bridge.sock");
        try (ServerSocketChannel dead = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            dead.bind(UnixDomainSocketAddress.of(path));
        }
        assertThat(isSocket(path)).as("the dead listener left its file").isTrue();
        assertThat(canConnect(path)).isFalse();

        bind(path, OWNER_GROUP);

        assertThat(canConnect(path)).isTrue();
    }

    @Test
    void theSocketAppearsWithItsOwnerAndGroup() throws IOException {
        Path path = dir.resolve("bridge.sock");
        boolean root = "root".equals(System.getProperty("user.name"));
        String owner = root ? "65534" : System.getProperty("user.name");
        toClose.add(UnixSocketListener.bind(path, OWNER_GROUP, Optional.of(owner), Optional.of("0")));

        assertThat(Files.getAttribute(path, "unix:uid", LinkOption.NOFOLLOW_LINKS))
                .isEqualTo(root ? 65534 : Files.getAttribute(dir, "unix:uid"));
        if (root) {
            assertThat(Files.getAttribute(path, "unix:gid", LinkOption.NOFOLLOW_LINKS))
                    .isEqualTo(0);
        }
    }

    @Test
    void anOwnerThatCannotBeGivenLeavesNoSocket() throws IOException {
        Path path = dir.resolve("bridge.sock");

        assertThatThrownBy(() -> UnixSocketListener.bind(
                        path, OWNER_GROUP, Optional.empty(), Optional.of("no-such-group-of-this-host")))
                .isInstanceOf(ListenerException.class)
                .hasMessageContaining(path.toString())
                .hasMessageContaining("no-such-group-of-this-host");
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files).as("neither the socket nor its temporary name").isEmpty();
        }
    }

    @Test
    void aLiveListenerIsNotStolen() throws IOException {
        Path path = dir.resolve("bridge.sock");
        bind(path, OWNER_GROUP);

        assertThatThrownBy(() -> bind(path, OWNER_GROUP))
                .isInstanceOf(ListenerException.class)
                .hasMessageContaining("another bridge is already listening")
                .hasMessageContaining(path.toString());
        assertThat(canConnect(path))
                .as("the first listener still has its socket")
                .isTrue();
    }

    @Test
    void aRegularFileIsNotReplaced() throws IOException {
        Path path = Files.writeString(dir.resolve("bridge.sock"), "precious");

        assertThatThrownBy(() -> bind(path, OWNER_GROUP))
                .isInstanceOf(ListenerException.class)
                .hasMessageContaining(path.toString())
                .hasMessageContaining("is not a socket");
        assertThat(Files.readString(path)).isEqualTo("precious");
    }

    @Test
    void aPathOverTheLimitIsRefusedWithItsLength() {
        Path path = pathOfLength(UnixSocketListener.MAX_PATH_BYTES + 1);

        assertThatThrownBy(() -> bind(path, OWNER_GROUP))
                .isInstanceOf(ListenerException.class)
                .hasMessageContaining((UnixSocketListener.MAX_PATH_BYTES + 1) + " bytes")
                .hasMessageContaining(Integer.toString(UnixSocketListener.MAX_PATH_BYTES));
        assertThat(Files.exists(path, LinkOption.NOFOLLOW_LINKS)).isFalse();
    }

    @Test
    void aPathCountsBytesNotCharacters() {
        // 2-byte characters: under the limit in characters, over it in bytes
        String name = "é".repeat(60);
        Path path = dir.resolve(name);
        assertThat(path.toString().length()).isLessThanOrEqualTo(UnixSocketListener.MAX_PATH_BYTES);

        assertThatThrownBy(() -> bind(path, OWNER_GROUP))
                .isInstanceOf(ListenerException.class)
                .hasMessageContaining(path.toString().getBytes(StandardCharsets.UTF_8).length + " bytes");
    }

    @Test
    void aPathWellUnderTheLimitBinds() throws IOException {
        Path path = pathOfLength(UnixSocketListener.MAX_PATH_BYTES - 20);
        bind(path, OWNER_GROUP);
        assertThat(canConnect(path)).isTrue();
    }

    @Test
    void aPathOfExactlyTheLimitBinds() throws IOException {
        Path path = pathOfLength(UnixSocketListener.MAX_PATH_BYTES);
        bind(path, OWNER_GROUP);
        assertThat(canConnect(path)).isTrue();
    }

    @Test
    void closeRemovesTheSocketFile() throws IOException {
        Path path = dir.resolve("bridge.sock");
        UnixSocketListener l = UnixSocketListener.bind(path, OWNER_GROUP);

        l.close();

        assertThat(Files.exists(path, LinkOption.NOFOLLOW_LINKS)).isFalse();
    }

    @Test
    void closeLeavesASocketFileThatIsNotItsOwn() throws IOException {
        Path path = dir.resolve("bridge.sock");
        UnixSocketListener first = UnixSocketListener.bind(path, OWNER_GROUP);
        Files.delete(path); // e.g. an operator removed it and started another bridge
        bind(path, OWNER_GROUP);

        first.close();

        assertThat(canConnect(path)).as("the second bridge's socket survives").isTrue();
    }

    @Test
    void serveHandsEachConnectionToTheHandlerOnItsOwnThread() throws Exception {
        Path path = dir.resolve("bridge.sock");
        UnixSocketListener l = bind(path, OWNER_GROUP);
        CountDownLatch bothInHandler = new CountDownLatch(2);
        Set<Thread> handlerThreads = ConcurrentHashMap.newKeySet();
        Thread server = Thread.ofPlatform()
                .name("test-serve")
                .start(() -> l.serve(c -> {
                    handlerThreads.add(Thread.currentThread());
                    try (c) {
                        assertThat(c.peer().listener()).isEqualTo(path.toString());
                        assertThat(c.peer().user()).isEqualTo(System.getProperty("user.name"));
                        String name = readLine(c.in());
                        bothInHandler.countDown();
                        // answer only once the other connection is being handled too: a serial server never gets there
                        String reply = bothInHandler.await(10, SECONDS) ? "hello " + name + "\n" : "alone\n";
                        c.out().write(reply.getBytes(StandardCharsets.UTF_8));
                    } catch (IOException | InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                }));

        try (SocketChannel a = SocketChannel.open(UnixDomainSocketAddress.of(path));
                SocketChannel b = SocketChannel.open(UnixDomainSocketAddress.of(path))) {
            a.write(ByteBuffer.wrap("a\n".getBytes(StandardCharsets.UTF_8)));
            b.write(ByteBuffer.wrap("b\n".getBytes(StandardCharsets.UTF_8)));
            assertThat(readLine(a)).isEqualTo("hello a");
            assertThat(readLine(b)).isEqualTo("hello b");
        }
        assertThat(handlerThreads).hasSize(2).doesNotContain(server);

        l.close();
        server.join(SECONDS.toMillis(5));
        assertThat(server.isAlive())
                .as("serve returns once the listener is closed")
                .isFalse();
    }

    // ---- helpers

    private UnixSocketListener bind(Path path, Set<PosixFilePermission> mode) {
        UnixSocketListener l = UnixSocketListener.bind(path, mode);
        toClose.add(l);
        return l;
    }

    /** A path in the temporary directory whose absolute form is exactly {@code bytes} long. */
    private Path pathOfLength(int bytes) {
        Path p = dir.resolve("s".repeat(bytes - dir.toString().length() - 1));
        assertThat(p.toString().getBytes(StandardCharsets.UTF_8)).hasSize(bytes);
        return p;
    }

    private static boolean isSocket(Path p) throws IOException {
        int mode = (Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS);
        return (mode & 0170000) == 0140000;
    }

    private static boolean canConnect(Path p) {
        try (SocketChannel ch = SocketChannel.open(UnixDomainSocketAddress.of(p))) {
            return ch.isConnected();
        } catch (IOException e) {
            return false;
        }
    }

    private static String readLine(SocketChannel ch) throws IOException {
        return readLine(Channels.newInputStream(ch));
    }

    private static String readLine(java.io.InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int c = in.read(); c != '\n'; c = in.read()) {
            if (c < 0) {
                throw new IOException("connection closed after \"" + line + "\"");
            }
            line.append((char) c);
        }
        return line.toString();
    }
}
