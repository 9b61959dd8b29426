package dev.claudebridge.daemon.admission;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.claudebridge.daemon.config.LimitsConfig;
import dev.claudebridge.daemon.transport.Connection;
import dev.claudebridge.protocol.BridgeError;
import dev.claudebridge.protocol.Frame;
import dev.claudebridge.protocol.FrameReader;
import dev.claudebridge.protocol.FrameWriter;
import dev.claudebridge.protocol.Hello;
import dev.claudebridge.protocol.Request;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = SECONDS)
class ConnectionsTest {
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    private Path dir;
    private ServerSocketChannel server;

    @BeforeEach
    void listen() throws IOException {
        dir = Files.createTempDirectory(Path.of("/tmp"), "cbc-");
        server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(dir.resolve("s")));
    }

    @AfterEach
    void close() throws IOException {
        timer.shutdownNow();
        server.close();
        Files.deleteIfExists(dir.resolve("s"));
        Files.delete(dir);
    }

    private static Connections connections(int max, Duration handshake, ScheduledExecutorService timer) {
        LimitsConfig l = LimitsConfig.defaults()
                .with(LimitsConfig.MAX_CONNECTIONS, max)
                .with(LimitsConfig.HANDSHAKE_TIMEOUT, handshake)
                .with(LimitsConfig.CLIENT_MAX_CONNECTIONS, max + 1) // the global cap, not a caller's, is met first
                .with(LimitsConfig.HANDSHAKE_MEMORY, 1L << 30)
                .resolved();
        return new Connections(() -> l, timer);
    }

    /** Accepts one connection and serves it on a virtual thread. */
    private Thread serveNext(Connections c, BiConsumer<InputStream, OutputStream> session) throws IOException {
        return serveNext(c, new dev.claudebridge.daemon.session.Peer("test", "tester", "testers"), session);
    }

    private Thread serveNext(
            Connections c, dev.claudebridge.daemon.session.Peer peer, BiConsumer<InputStream, OutputStream> session)
            throws IOException {
        SocketChannel ch = server.accept();
        Connection connection = new Connection(peer, Channels.newInputStream(ch), Channels.newOutputStream(ch), ch);
        return Thread.ofVirtual().start(() -> c.serve(connection, session));
    }

    @Test
    void aCallerAtItsOwnCapLeavesRoomForAnother() throws Exception {
        LimitsConfig l = LimitsConfig.defaults()
                .with(LimitsConfig.MAX_CONNECTIONS, 8)
                .with(LimitsConfig.CLIENT_MAX_CONNECTIONS, 1)
                .with(LimitsConfig.HANDSHAKE_MEMORY, 1L << 30)
                .resolved();
        Connections c = new Connections(() -> l, timer);
        var flood = new dev.claudebridge.daemon.session.Peer("test", "root", "root", 10, "pidns:1");
        var quiet = new dev.claudebridge.daemon.session.Peer("test", "root", "root", 20, "pidns:2");
        CountDownLatch release = new CountDownLatch(1);
        SocketChannel first = connect();
        Thread firstServed = serveNext(c, flood, (in, out) -> await(release));
        SocketChannel second = connect();
        Thread secondServed = serveNext(c, flood, (in, out) -> {
            throw new AssertionError("the flood's second connection is over its cap");
        });
        new FrameWriter(Channels.newOutputStream(second)).write(new Hello(Hello.VERSION, "test").toFrame());
        BridgeError e = BridgeError.fromFrame(
                new FrameReader(Channels.newInputStream(second)).read().orElseThrow());
        assertThat(e.message())
                .isEqualTo(
                        "this caller (its container, or its uid) has 1 connection open, its client-max-connections limit; "
                                + "try again later");
        secondServed.join();

        SocketChannel third = connect();
        CountDownLatch served = new CountDownLatch(1);
        Thread thirdServed = serveNext(c, quiet, (in, out) -> served.countDown());
        thirdServed.join();
        assertThat(served.getCount())
                .as("another container's connection reaches its session")
                .isZero();
        release.countDown();
        firstServed.join();
        assertThat(c.open()).isZero();
        first.close();
        second.close();
        third.close();
    }

    private SocketChannel connect() throws IOException {
        return SocketChannel.open(UnixDomainSocketAddress.of(dir.resolve("s")));
    }

    private static void handshake(SocketChannel ch) throws IOException {
        FrameWriter w = new FrameWriter(Channels.newOutputStream(ch));
        w.write(new Hello(Hello.VERSION, "test").toFrame());
        w.write(new Request(List.of("x"), Map.of(), "/", Optional.empty(), "t").toFrame());
    }

    @Test
    void oneConnectionOverTheCapIsToldWhyAfterItsHello() throws Exception {
        Connections c = connections(1, Duration.ofSeconds(5), timer);
        CountDownLatch release = new CountDownLatch(1);
        SocketChannel first = connect();
        Thread firstServed = serveNext(c, (in, out) -> await(release));
        SocketChannel second = connect();
        Thread secondServed = serveNext(c, (in, out) -> {
            throw new AssertionError("a connection over the cap must not reach a session");
        });

        new FrameWriter(Channels.newOutputStream(second)).write(new Hello(Hello.VERSION, "test").toFrame());
        Frame reply = new FrameReader(Channels.newInputStream(second)).read().orElseThrow();

        BridgeError e = BridgeError.fromFrame(reply);
        assertThat(e.code()).isEqualTo("queue_full");
        assertThat(e.exitStatus()).isEqualTo(66);
        assertThat(e.message())
                .isEqualTo("the bridge has 1 connection open, its max-connections limit; try again later");
        secondServed.join();
        assertThat(c.open()).isEqualTo(1);
        release.countDown();
        firstServed.join();
        assertThat(c.open()).isZero();
        first.close();
        second.close();
    }

    @Test
    void aConnectionThatSaysNothingIsClosedAfterTheHandshakeTimeout() throws Exception {
        Connections c = connections(10, Duration.ofMillis(300), timer);
        SocketChannel silent = connect();
        long start = System.nanoTime();
        Thread served = serveNext(c, ConnectionsTest::readToEnd);

        assertThat(silent.read(ByteBuffer.allocate(1)))
                .as("closed by the daemon")
                .isEqualTo(-1);
        assertThat(Duration.ofNanos(System.nanoTime() - start))
                .isBetween(Duration.ofMillis(250), Duration.ofSeconds(3));
        served.join();
        assertThat(c.open()).isZero();
        silent.close();
    }

    @Test
    void aSlowlorisTricklingItsHelloIsClosedAllTheSame() throws Exception {
        Connections c = connections(10, Duration.ofMillis(300), timer);
        SocketChannel slow = connect();
        Thread served = serveNext(c, ConnectionsTest::readToEnd);
        byte[] hello = BridgeErrorBytes.hello();
        long start = System.nanoTime();
        try {
            for (byte b : hello) {
                slow.write(ByteBuffer.wrap(new byte[] {b}));
                Thread.sleep(50);
            }
        } catch (IOException closed) {
            // the daemon hung up mid-trickle: what we want
        }
        served.join(5000);
        assertThat(served.isAlive()).isFalse();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
        slow.close();
    }

    @Test
    void aConnectionThatDeliveredItsRequestIsNotDroppedLater() throws Exception {
        Connections c = connections(10, Duration.ofMillis(200), timer);
        SocketChannel ch = connect();
        Thread served = serveNext(c, (in, out) -> {
            try {
                FrameReader r = new FrameReader(in);
                r.read();
                r.read();
                Thread.sleep(600); // well past the handshake deadline
                out.write(42);
                out.flush();
            } catch (IOException | InterruptedException e) {
                throw new AssertionError(e);
            }
        });
        handshake(ch);
        ByteBuffer one = ByteBuffer.allocate(1);
        assertThat(ch.read(one)).isEqualTo(1);
        assertThat(one.get(0)).isEqualTo((byte) 42);
        served.join();
        ch.close();
    }

    private static void readToEnd(InputStream in, OutputStream out) {
        try {
            in.readAllBytes();
        } catch (IOException e) {
            // closed under us: the handshake deadline
        }
    }

    private static void await(CountDownLatch l) {
        try {
            l.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The bytes of a HELLO frame. */
    private static final class BridgeErrorBytes {
        static byte[] hello() throws IOException {
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            new FrameWriter(out).write(new Hello(Hello.VERSION, "a-slow-client-with-a-long-name").toFrame());
            return out.toByteArray();
        }
    }
}
