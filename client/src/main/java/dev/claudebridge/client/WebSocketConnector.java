package dev.claudebridge.client;

import dev.claudebridge.protocol.ErrorCode;
import dev.claudebridge.protocol.Hello;
import dev.claudebridge.protocol.MessageInputStream;
import dev.claudebridge.protocol.MessageOutputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;

/**
 * Opens a {@code wss://} connection with the JDK's own WebSocket client (no dependency): the
 * protocol's frames one per binary message, under the subprotocol {@code claude-bridge.v1}. The
 * daemon's next message is asked for only once the frame reader has taken the last one, so a slow
 * caller holds the bridge back as it would on a socket.
 */
final class WebSocketConnector {
    static final String SUBPROTOCOL = "claude-bridge.v" + Hello.VERSION;
    static final String PATH = "/claude-bridge";
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private WebSocketConnector() {}

    /**
     * @param url {@code wss://HOST:PORT} (the path {@code /claude-bridge} is added when none is given);
     *     the bridge's certificate, a client certificate and the token come from the same variables as
     *     for {@code tls://} ({@link TlsConnector})
     */
    static Connection connect(String url, Map<String, String> env) throws ConnectException {
        URI uri;
        try {
            uri = URI.create(url);
            if (uri.getHost() == null || uri.getPort() < 0) {
                throw new IllegalArgumentException("no host or port");
            }
            if (uri.getRawPath() == null || uri.getRawPath().isEmpty()) {
                uri = uri.resolve(PATH);
            }
        } catch (IllegalArgumentException e) {
            throw new ConnectException(
                    ErrorCode.BRIDGE_UNAVAILABLE, Messages.unavailable(url, "expected wss://HOST:PORT"));
        }
        SSLContext tls = TlsConnector.context(url, env);
        Optional<String> token = TlsConnector.token(url, env);
        MessageInputStream in = new MessageInputStream();
        HttpClient http =
                HttpClient.newBuilder().sslContext(tls).connectTimeout(TIMEOUT).build();
        WebSocket ws;
        try {
            ws = http.newWebSocketBuilder()
                    .subprotocols(SUBPROTOCOL)
                    .connectTimeout(TIMEOUT)
                    .buildAsync(uri, new Receiver(in))
                    .get(TIMEOUT.toMillis() + 1000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ConnectException(ErrorCode.BRIDGE_UNAVAILABLE, Messages.unavailable(url, "interrupted"));
        } catch (TimeoutException e) {
            throw new ConnectException(
                    ErrorCode.BRIDGE_UNAVAILABLE,
                    Messages.unavailable(url, "no answer within " + TIMEOUT.toSeconds() + " s"));
        } catch (ExecutionException e) {
            throw failure(url, uri.getHost(), e.getCause());
        }
        OutputStream out = new MessageOutputStream(message -> send(ws, message));
        return Connection.of(in, out, token, () -> {
            ws.sendClose(WebSocket.NORMAL_CLOSURE, "")
                    .orTimeout(2, TimeUnit.SECONDS)
                    .whenComplete((w, t) -> ws.abort());
            in.close();
        });
    }

    private static void send(WebSocket ws, ByteBuffer message) throws IOException {
        try {
            ws.sendBinary(message, true).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while sending");
        } catch (ExecutionException e) {
            throw new IOException(
                    "the bridge's WebSocket is gone: " + e.getCause().getMessage(), e.getCause());
        }
    }

    private static ConnectException failure(String url, String host, Throwable cause) {
        for (Throwable t = cause; t != null; t = t.getCause()) {
            if (t instanceof SSLException ssl) {
                return TlsConnector.refused(url, host, ssl);
            }
        }
        if (cause instanceof WebSocketHandshakeException h) {
            int status = h.getResponse().statusCode();
            return new ConnectException(
                    ErrorCode.BRIDGE_UNAVAILABLE,
                    Messages.unavailable(
                            url,
                            "the server answered HTTP " + status
                                    + (status == 400 || status == 404
                                            ? " (not a claude-bridge WebSocket listener? it must offer " + SUBPROTOCOL
                                                    + " at " + PATH + ")"
                                            : "")));
        }
        String m = String.valueOf(cause.getMessage());
        if (m.contains("Received fatal alert")) {
            return TlsConnector.alert(url, m);
        }
        return new ConnectException(ErrorCode.BRIDGE_UNAVAILABLE, Messages.unavailable(url, "cannot connect: " + m));
    }

    /** Whole binary messages into the stream; the next one asked for when this one is read. */
    private static final class Receiver implements WebSocket.Listener {
        private final MessageInputStream in;
        private ByteBuffer partial;

        Receiver(MessageInputStream in) {
            this.in = in;
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket ws, ByteBuffer data, boolean last) {
            if (!last) {
                // a message the JDK hands over in parts: gather it (bounded by the daemon's frame size)
                ByteBuffer grown = ByteBuffer.allocate((partial == null ? 0 : partial.remaining()) + data.remaining());
                if (partial != null) {
                    grown.put(partial);
                }
                partial = grown.put(data).flip();
                ws.request(1);
                return null;
            }
            ByteBuffer whole = data;
            if (partial != null) {
                whole = ByteBuffer.allocate(partial.remaining() + data.remaining())
                        .put(partial)
                        .put(data)
                        .flip();
                partial = null;
            } else {
                whole = ByteBuffer.allocate(data.remaining()).put(data).flip(); // the JDK reuses its buffer
            }
            in.offer(whole, () -> ws.request(1));
            return null;
        }

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int status, String reason) {
            in.end();
            return null;
        }

        @Override
        public void onError(WebSocket ws, Throwable error) {
            in.fail(new IOException("the bridge's WebSocket failed: " + error.getMessage(), error));
        }
    }
}
