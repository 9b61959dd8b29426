package dev.claudebridge.daemon.transport;

import dev.claudebridge.daemon.config.BridgeConfig;
import dev.claudebridge.daemon.config.ListenerConfig;
import dev.claudebridge.daemon.config.TlsConfig;
import dev.claudebridge.daemon.session.BridgeSettings;
import dev.claudebridge.daemon.session.Peer;
import dev.claudebridge.daemon.session.Principal;
import dev.claudebridge.protocol.Frame;
import dev.claudebridge.protocol.Hello;
import dev.claudebridge.protocol.MessageInputStream;
import dev.claudebridge.protocol.MessageOutputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import javax.net.ssl.SSLContext;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.server.ServerUpgradeRequest;
import org.eclipse.jetty.websocket.server.WebSocketUpgradeHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bridge over WebSocket ({@code wss://host:port/claude-bridge}), for HTTP proxies and for clients
 * in other languages: the protocol's frames, one frame per binary message each way, under the
 * subprotocol {@value #SUBPROTOCOL}. TLS is always on (Jetty terminates it with the daemon's
 * certificate); the request's identity comes from the client certificate or the HELLO's token,
 * exactly as on the TLS listener. Each connection becomes a {@link Connection} of two streams, so the
 * session engine does not know it is not a socket.
 */
public final class WebSocketListener implements Listener {
    /** The subprotocol a client must offer; its number is the protocol's {@link Hello#VERSION}. */
    public static final String SUBPROTOCOL = "claude-bridge.v" + Hello.VERSION;
    /** Where the upgrade is accepted; anything else is 404. */
    public static final String PATH = "/claude-bridge";
    /** A client may batch frames into one message; a message never needs more than two whole frames. */
    private static final long MAX_MESSAGE = 2L * (Frame.HEADER_LENGTH + Frame.MAX_PAYLOAD);
    /** The HTTP upgrade (and the TLS handshake before it) must be done within this; slowloris guard. */
    private static final Duration UPGRADE_DEADLINE = Duration.ofSeconds(10);

    private static final Logger LOG = LoggerFactory.getLogger(WebSocketListener.class);

    private final Server server;
    private final String name;
    private final AtomicReference<Consumer<Connection>> handler = new AtomicReference<>();
    private final java.util.concurrent.CountDownLatch serving = new java.util.concurrent.CountDownLatch(1);
    private final CountDownLatch closed = new CountDownLatch(1);
    private final Thread.Builder connections = Thread.ofVirtual().name("ws-conn-", 1);

    private final SslContextFactory.Server ssl;

    private WebSocketListener(Server server, String name, SslContextFactory.Server ssl) {
        this.server = server;
        this.name = name;
        this.ssl = ssl;
    }

    /**
     * Reads the TLS files and binds the address of a {@code tls:} listener with {@code websocket: true}.
     *
     * @throws ListenerException when a file is unusable, client authentication is missing, or the address cannot be bound
     */
    public static WebSocketListener bind(ListenerConfig c) {
        TlsConfig tls = TlsFiles.checked(c);
        return bind(c.name(), new InetSocketAddress(tls.host(), tls.port()), TlsFiles.context(tls), tls);
    }

    /**
     * Binds and starts accepting upgrades. An upgrade that arrives before {@link #serve} waits for it (as
     * a connection to the other listeners waits in the kernel's backlog until the daemon accepts it), and
     * is refused with 503 only if the daemon is not serving within the upgrade deadline.
     *
     * @param tls the server's certificate and key, and the client CAs
     * @param config whether client certificates are required (a client CA and no tokens), asked for
     *     (both), or not asked for (tokens only)
     * @throws ListenerException when the address cannot be bound
     */
    static WebSocketListener bind(String name, InetSocketAddress address, SSLContext tls, TlsConfig config) {
        QueuedThreadPool threads = new QueuedThreadPool(16, 2);
        threads.setName("ws-listener");
        Server server = new Server(threads);
        SslContextFactory.Server ssl = new SslContextFactory.Server();
        ssl.setSslContext(tls);
        ssl.setIncludeProtocols("TLSv1.3");
        clientAuthentication(ssl, config);
        HttpConfiguration http = new HttpConfiguration();
        SecureRequestCustomizer secure = new SecureRequestCustomizer();
        secure.setSniHostCheck(false); // a client may name the bridge by any name its certificate holds
        http.addCustomizer(secure);
        http.setSendServerVersion(false);
        ServerConnector connector = new ServerConnector(server, ssl, new HttpConnectionFactory(http));
        connector.setHost(address.getHostString());
        connector.setPort(address.getPort());
        connector.setIdleTimeout(UPGRADE_DEADLINE.toMillis());
        server.addConnector(connector);
        WebSocketListener listener = new WebSocketListener(server, name, ssl);
        server.setHandler(WebSocketUpgradeHandler.from(server, container -> {
            container.setMaxBinaryMessageSize(MAX_MESSAGE);
            container.setMaxTextMessageSize(1024);
            // a session may sit silent for hours (a terminal left open): the engine's own deadlines
            // govern it, not the transport's
            container.setIdleTimeout(Duration.ZERO);
            container.addMapping(PATH, (request, response, callback) -> {
                if (!request.hasSubProtocol(SUBPROTOCOL)) {
                    Response.writeError(
                            request,
                            response,
                            callback,
                            HttpStatus.BAD_REQUEST_400,
                            "offer the WebSocket subprotocol " + SUBPROTOCOL);
                    return null;
                }
                if (!listener.awaitServing()) {
                    Response.writeError(
                            request, response, callback, HttpStatus.SERVICE_UNAVAILABLE_503, "the bridge is starting");
                    return null;
                }
                response.setAcceptedSubProtocol(SUBPROTOCOL);
                return listener.new Endpoint(certificate(request), Request.getRemoteAddr(request));
            });
        }));
        try {
            server.start();
        } catch (Exception e) {
            try {
                server.stop();
            } catch (Exception ignored) {
                // it never started
            }
            throw new ListenerException("cannot listen on " + name + ": " + e.getMessage(), e);
        }
        listener.bound = new InetSocketAddress(address.getAddress(), connector.getLocalPort());
        return listener;
    }

    private static void clientAuthentication(SslContextFactory.Server ssl, TlsConfig config) {
        boolean ca = config.clientCa().isPresent();
        ssl.setNeedClientAuth(ca && config.tokens().isEmpty());
        ssl.setWantClientAuth(ca && !config.tokens().isEmpty()); // a certificate or a token
    }

    /** A reload: the next connection is served with the TLS files as they are now. */
    @Override
    public void reload(BridgeSettings settings) {
        TlsFiles.reload(settings, name, (tls, context) -> {
            try {
                ssl.reload(f -> {
                    f.setSslContext(context);
                    clientAuthentication((SslContextFactory.Server) f, tls);
                });
            } catch (Exception e) {
                throw new ListenerException("Jetty did not take the new TLS context: " + e.getMessage(), e);
            }
        });
    }

    @Override
    public Optional<String> check(BridgeConfig next) {
        return TlsFiles.check(next, name);
    }

    private InetSocketAddress bound;

    /** The address bound (with the port the system chose, when 0 was asked for). */
    public InetSocketAddress address() {
        return bound;
    }

    private static Optional<X509Certificate> certificate(ServerUpgradeRequest request) {
        if (request.getAttribute(EndPoint.SslSessionData.ATTRIBUTE) instanceof EndPoint.SslSessionData d
                && d.peerCertificates() != null
                && d.peerCertificates().length > 0) {
            return Optional.of(d.peerCertificates()[0]);
        }
        return Optional.empty();
    }

    @Override
    public String name() {
        return name;
    }

    /** Waits (at most the upgrade deadline) until the daemon serves; false if it does not. */
    private boolean awaitServing() {
        try {
            return serving.await(UPGRADE_DEADLINE.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Override
    public void serve(Consumer<Connection> handler) {
        this.handler.set(handler);
        serving.countDown();
        try {
            closed.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        try {
            server.stop();
        } catch (Exception e) {
            LOG.warn("stopping {}: {}", name, e.toString());
        }
        closed.countDown();
    }

    /**
     * One upgraded connection: messages in become a stream for the engine, flushes out become
     * messages. Public only because Jetty calls it through method handles.
     */
    public final class Endpoint implements Session.Listener {
        private final Optional<X509Certificate> certificate;
        private final String address;
        private final MessageInputStream in = new MessageInputStream();
        private volatile Session session;

        Endpoint(Optional<X509Certificate> certificate, String address) {
            this.certificate = certificate;
            this.address = address;
        }

        @Override
        public void onWebSocketOpen(Session s) {
            session = s;
            MessageOutputStream out = new MessageOutputStream(this::send);
            Peer accepted = new Peer(name, new Principal.Address(address));
            s.demand();
            connections.start(() -> handler.get()
                    .accept(new Connection(
                            accepted,
                            in,
                            out,
                            () -> s.close(),
                            (peer, token, settings) ->
                                    ClientAuthentication.peer(name, certificate, peer, token, settings))));
        }

        private void send(ByteBuffer message) throws IOException {
            Callback.Completable sent = new Callback.Completable();
            session.sendBinary(message, sent);
            try {
                sent.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while sending");
            } catch (ExecutionException e) {
                throw new IOException(
                        "the WebSocket peer is gone: " + e.getCause().getMessage(), e.getCause());
            }
        }

        @Override
        public void onWebSocketBinary(ByteBuffer payload, Callback callback) {
            // the next message is asked for only once the engine has read all of this one
            in.offer(payload, () -> {
                callback.succeed();
                session.demand();
            });
        }

        @Override
        public void onWebSocketText(String message) {
            session.close(1003, "claude-bridge speaks binary frames only", Callback.NOOP);
        }

        @Override
        public void onWebSocketClose(int status, String reason) {
            in.end();
        }

        @Override
        public void onWebSocketError(Throwable cause) {
            in.fail(new IOException("WebSocket error: " + cause.getMessage(), cause));
        }
    }
}
