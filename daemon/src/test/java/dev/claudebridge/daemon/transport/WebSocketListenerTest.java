package dev.claudebridge.daemon.transport;

import static org.assertj.core.api.Assertions.assertThat;

import dev.claudebridge.protocol.Frame;
import dev.claudebridge.protocol.FrameReader;
import dev.claudebridge.protocol.FrameType;
import dev.claudebridge.protocol.FrameWriter;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The WebSocket listener as a client in any language sees it, with the JDK's own WebSocket client:
 * frames go both ways one per binary message, a whole 1 MiB frame included, and what is not the
 * protocol is turned away.
 */
class WebSocketListenerTest {
    @TempDir
    Path dir;

    private WebSocketListener listener;
    private Thread serving;
    private TestCertificates certs;

    @BeforeEach
    void start() throws Exception {
        certs = TestCertificates.make(dir);
        listener = bound();
        serving = Thread.ofVirtual().start(() -> listener.serve(WebSocketListenerTest::echo));
    }

    private WebSocketListener bound() throws Exception {
        return WebSocketListener.bind(
                "wss://test",
                new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                certs.server(),
                new dev.claudebridge.daemon.config.TlsConfig(
                        java.util.Optional.empty(),
                        java.util.Optional.empty(),
                        java.util.Optional.empty(),
                        java.util.Optional.empty(),
                        java.util.List.of(),
                        true));
    }

    /** An echo peer: every frame read is written back, until the client's end of stream. */
    private static void echo(dev.claudebridge.daemon.transport.Connection c) {
        try (c) {
            FrameReader r = new FrameReader(c.in());
            FrameWriter w = new FrameWriter(c.out());
            java.util.Optional<Frame> f;
            while ((f = r.read()).isPresent()) {
                w.write(f.get());
            }
        } catch (IOException e) {
            // the client went away
        }
    }

    @Test
    void anUpgradeArrivingBeforeTheDaemonServesWaitsForIt() throws Exception {
        // as a connection to a socket waits in the backlog while the daemon is still starting
        WebSocketListener starting = bound();
        Thread late = null;
        try {
            URI early = URI.create("wss://127.0.0.1:" + starting.address().getPort() + WebSocketListener.PATH);
            CompletableFuture<WebSocket> ws = http().newWebSocketBuilder()
                    .subprotocols(WebSocketListener.SUBPROTOCOL)
                    .buildAsync(early, new Messages());
            Thread.sleep(1500); // the upgrade is in by now (it would have been answered 503)
            late = Thread.ofVirtual().start(() -> starting.serve(WebSocketListenerTest::echo));
            assertThat(ws.get(30, TimeUnit.SECONDS).getSubprotocol()).isEqualTo(WebSocketListener.SUBPROTOCOL);
        } finally {
            starting.close();
            if (late != null) {
                late.join(10_000);
            }
        }
    }

    @AfterEach
    void stop() throws InterruptedException {
        listener.close();
        serving.join(10_000);
    }

    private URI uri() {
        return URI.create("wss://127.0.0.1:" + listener.address().getPort() + WebSocketListener.PATH);
    }

    private HttpClient http() throws Exception {
        return HttpClient.newBuilder().sslContext(certs.client()).build();
    }

    /** Collects whole binary messages. */
    private static final class Messages implements WebSocket.Listener {
        final LinkedBlockingQueue<byte[]> received = new LinkedBlockingQueue<>();
        final CompletableFuture<Integer> closed = new CompletableFuture<>();
        private ByteBuffer partial = ByteBuffer.allocate(0);

        @Override
        public CompletionStage<?> onBinary(WebSocket ws, ByteBuffer data, boolean last) {
            ByteBuffer all = ByteBuffer.allocate(partial.remaining() + data.remaining());
            all.put(partial).put(data).flip();
            partial = all;
            if (last) {
                byte[] m = new byte[partial.remaining()];
                partial.get(m);
                received.add(m);
                partial = ByteBuffer.allocate(0);
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int status, String reason) {
            closed.complete(status);
            return null;
        }

        @Override
        public void onError(WebSocket ws, Throwable error) {
            closed.completeExceptionally(error);
        }
    }

    private static byte[] frame(FrameType type, byte[] payload) {
        ByteBuffer b = ByteBuffer.allocate(Frame.HEADER_LENGTH + payload.length);
        b.put((byte) type.code()).putInt(payload.length).put(payload);
        return b.array();
    }

    @Test
    void framesComeBackOnePerMessageIncludingAFullSizedOne() throws Exception {
        Messages m = new Messages();
        WebSocket ws = http().newWebSocketBuilder()
                .subprotocols(WebSocketListener.SUBPROTOCOL)
                .buildAsync(uri(), m)
                .get(30, TimeUnit.SECONDS);
        assertThat(ws.getSubprotocol()).isEqualTo(WebSocketListener.SUBPROTOCOL);
        byte[] small = frame(FrameType.STDIN, "hello".getBytes());
        byte[] big = new byte[Frame.MAX_DATA_PAYLOAD];
        Arrays.fill(big, (byte) 'x');
        byte[] bigFrame = frame(FrameType.STDIN, big);
        ws.sendBinary(ByteBuffer.wrap(small), true).get(30, TimeUnit.SECONDS);
        ws.sendBinary(ByteBuffer.wrap(bigFrame), true).get(30, TimeUnit.SECONDS);
        // two frames in one message are two frames to the engine, and come back as two messages
        byte[] two = new byte[small.length * 2];
        System.arraycopy(small, 0, two, 0, small.length);
        System.arraycopy(small, 0, two, small.length, small.length);
        ws.sendBinary(ByteBuffer.wrap(two), true).get(30, TimeUnit.SECONDS);

        assertThat(m.received.poll(30, TimeUnit.SECONDS)).isEqualTo(small);
        assertThat(m.received.poll(30, TimeUnit.SECONDS)).isEqualTo(bigFrame);
        assertThat(m.received.poll(30, TimeUnit.SECONDS)).isEqualTo(small);
        assertThat(m.received.poll(30, TimeUnit.SECONDS)).isEqualTo(small);

        ws.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(30, TimeUnit.SECONDS);
        assertThat(m.closed.get(30, TimeUnit.SECONDS)).isEqualTo(WebSocket.NORMAL_CLOSURE);
    }

    @Test
    void anUpgradeWithoutTheSubprotocolIsRefused() throws Exception {
        CompletableFuture<WebSocket> ws = http().newWebSocketBuilder().buildAsync(uri(), new Messages());
        ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(
                ExecutionException.class, () -> ws.get(30, TimeUnit.SECONDS));
        assertThat(e.getCause()).isInstanceOf(WebSocketHandshakeException.class);
        assertThat(((WebSocketHandshakeException) e.getCause()).getResponse().statusCode())
                .isEqualTo(400);
    }

    @Test
    void aTextMessageClosesTheConnection() throws Exception {
        Messages m = new Messages();
        WebSocket ws = http().newWebSocketBuilder()
                .subprotocols(WebSocketListener.SUBPROTOCOL)
                .buildAsync(uri(), m)
                .get(30, TimeUnit.SECONDS);
        ws.sendText("{\"hello\":1}", true).get(30, TimeUnit.SECONDS);
        assertThat(m.closed.get(30, TimeUnit.SECONDS)).isEqualTo(1003);
    }

    @Test
    void aClientThatDoesNotTrustTheCertificateCannotConnect() {
        CompletableFuture<WebSocket> ws = HttpClient.newHttpClient()
                .newWebSocketBuilder()
                .subprotocols(WebSocketListener.SUBPROTOCOL)
                .buildAsync(uri(), new Messages());
        ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(
                ExecutionException.class, () -> ws.get(30, TimeUnit.SECONDS));
        assertThat(e.getCause()).isInstanceOf(javax.net.ssl.SSLHandshakeException.class);
    }
}
