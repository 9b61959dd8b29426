package dev.claudebridge.client;

import dev.claudebridge.protocol.ErrorCode;
import dev.claudebridge.protocol.Hello;
import dev.claudebridge.protocol.MessageInputStream;
import dev.claudebridge.protocol.MessageOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;

/**
 * Opens a {@code wss://} connection with the JDK's own WebSocket client (no dependency): the
 * protocol's frames one per binary message, under the subprotocol {@code claude-bridge.v1}. The
 * daemon's next message is asked for only once the frame reader has taken the last one, so a slow
 * caller holds the bridge back as it would on a socket.
 */
final class WebSocketConnector {
    static final String SUBPROTOCOL = "claude-bridge.v" + Hello.VERSION;

    private WebSocketConnector() {}

    static Connection connect(URI uri, SSLContext tls, Duration timeout) throws ConnectException {
        String where = uri.toString();
        MessageInputStream in = new MessageInputStream();
        HttpClient http = HttpClient.newBuilder()
                .sslContext(tls)
                .connectTimeout(timeout)
                .build();
        WebSocket ws;
        try {
            ws = http.newWebSocketBuilder()
                    .subprotocols(SUBPROTOCOL)
                    .connectTimeout(timeout)
                    .buildAsync(uri, new Receiver(in))
                    .get(timeout.toMillis() + 1000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ConnectException(ErrorCode.BRIDGE_UNAVAILABLE, Messages.unavailable(where, "interrupted"));
        } catch (TimeoutException e) {
            throw new ConnectException(
                    ErrorCode.BRIDGE_UNAVAILABLE, Messages.unavailable(where, "no answer within " + timeout.toSeconds() + " s"));
        } catch (ExecutionException e) {
            throw failure(where, e.getCause());
        }
        OutputStream out = new MessageOutputStream(message -> send(ws, message));
        return new Connection() {
            @Override
            public InputStream in() {
                return in;
            }

            @Override
            public OutputStream out() {
                return out;
            }

            @Override
            public void close() {
                ws.sendClose(WebSocket.NORMAL_CLOSURE, "").orTimeout(2, TimeUnit.SECONDS).whenComplete((w, t) -> ws.abort());
                in.close();
            }
        };
    }

    private static void send(WebSocket ws, ByteBuffer message) throws IOException {
        try {
            ws.sendBinary(message, true).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while sending");
        } catch (ExecutionException e) {
            throw new IOException("the bridge's WebSocket is gone: " + e.getCause().getMessage(), e.getCause());
        }
    }

    private static ConnectException failure(String where, Throwable cause) {
        if (cause instanceof WebSocketHandshakeException h) {
            int status = h.getResponse().statusCode();
            return new ConnectException(
                    ErrorCode.BRIDGE_UNAVAILABLE,
                    Messages.unavailable(where, "the server answered HTTP " + status
                            + (status == 400 ? " (not a claude-bridge " + SUBPROTOCOL + " endpoint?)" : "")));
        }
        if (cause instanceof SSLHandshakeException) {
            return new ConnectException(
                    ErrorCode.BRIDGE_UNAVAILABLE, Messages.unavailable(where, "TLS handshake failed: " + cause.getMessage()));
        }
        return new ConnectException(
                ErrorCode.BRIDGE_UNAVAILABLE, Messages.unavailable(where, String.valueOf(cause.getMessage())));
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
                whole = ByteBuffer.allocate(partial.remaining() + data.remaining()).put(partial).put(data).flip();
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
