package dev.claudebridge.daemon.transport;

import dev.claudebridge.daemon.config.BridgeConfig;
import dev.claudebridge.daemon.config.ListenerConfig;
import dev.claudebridge.daemon.config.TlsConfig;
import dev.claudebridge.daemon.session.BridgeSettings;
import dev.claudebridge.daemon.session.Peer;
import dev.claudebridge.daemon.session.Principal;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.security.cert.X509Certificate;
import java.util.Optional;
import java.util.function.Consumer;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Agents on other hosts: TCP with TLS 1.3. The callers must authenticate, by a certificate the client CA
 * signed (mutual TLS) or by a bearer token in the HELLO ({@link TlsPeerCheck}). Each accepted socket is
 * wrapped in TLS with the context current at accept, so a reload's new certificate serves the next
 * connection. The handshake itself runs on the session's first read, inside the handshake deadline that
 * admission keeps for every connection; closing the plain socket under it ends a stalled handshake.
 */
public final class TlsListener implements Listener {
    private static final Logger LOG = LoggerFactory.getLogger(TlsListener.class);
    private static final String[] PROTOCOLS = {"TLSv1.3"};

    /** The TLS side as of the last (re)load: its files made into a context, and whether certificates are asked for. */
    private record State(SSLContext context, TlsConfig config) {}

    private final String name;
    private final ServerSocket server;
    private volatile State state;
    private final Thread.Builder connections = Thread.ofVirtual().name("tls-conn-", 1);

    private TlsListener(String name, ServerSocket server, State state) {
        this.name = name;
        this.server = server;
        this.state = state;
    }

    /**
     * Reads the TLS files and binds the address.
     *
     * @throws ListenerException when a file is unusable, client authentication is missing, or the address cannot be bound
     */
    public static TlsListener bind(ListenerConfig c) {
        TlsConfig tls = TlsFiles.checked(c);
        State state = new State(TlsFiles.context(tls), tls);
        String host = tls.host();
        int port = tls.port();
        try {
            ServerSocket server = new ServerSocket();
            try {
                server.setReuseAddress(true);
                server.bind(new InetSocketAddress(InetAddress.getByName(host), port), 256);
            } catch (IOException e) {
                server.close();
                throw e;
            }
            return new TlsListener(c.name(), server, state);
        } catch (IOException e) {
            throw new ListenerException("cannot listen on " + c.name() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String name() {
        return name;
    }

    /** The port bound (useful when the configuration asked for port 0 in tests). */
    public int port() {
        return server.getLocalPort();
    }

    /**
     * Reads the certificate, key and client CA again (a reload). On a problem the listener keeps the
     * files it has and says why.
     */
    @Override
    public void reload(BridgeSettings settings) {
        TlsFiles.reload(settings, name, (tls, context) -> state = new State(context, tls));
    }

    @Override
    public Optional<String> check(BridgeConfig next) {
        return TlsFiles.check(next, name);
    }

    @Override
    public void serve(Consumer<Connection> handler) {
        while (!server.isClosed()) {
            Socket plain;
            try {
                plain = server.accept();
            } catch (IOException e) {
                if (server.isClosed()) {
                    return;
                }
                LOG.warn("accept on {} failed: {}", name, e.toString());
                pause();
                continue;
            }
            connections.start(() -> {
                try {
                    handler.accept(wrap(plain));
                } catch (IOException e) {
                    LOG.info("{}: cannot start TLS with {}: {}", name, plain.getRemoteSocketAddress(), e.toString());
                    closeQuietly(plain);
                }
            });
        }
    }

    private Connection wrap(Socket plain) throws IOException {
        State s = state;
        plain.setTcpNoDelay(true); // frames are small and interactive: no Nagle delay on a keystroke
        SSLSocket ssl = (SSLSocket) s.context().getSocketFactory().createSocket(plain, null, true);
        ssl.setUseClientMode(false);
        ssl.setEnabledProtocols(PROTOCOLS);
        if (s.config().clientCa().isPresent()) {
            if (s.config().tokens().isEmpty()) {
                ssl.setNeedClientAuth(true);
            } else {
                ssl.setWantClientAuth(true); // a certificate or a token
            }
        }
        String address = plain.getInetAddress().getHostAddress();
        Peer accepted = new Peer(name, new Principal.Address(address));
        TlsHandshakeInput in = new TlsHandshakeInput(ssl, plain);
        return new Connection(
                accepted,
                in,
                ssl.getOutputStream(),
                () -> {
                    in.closingHere(); // before the close: the handshake's failure is then ours, not the peer's
                    close(in.shaken() ? ssl : null, plain);
                },
                (peer, token, settings) ->
                        ClientAuthentication.peer(name, clientCertificate(ssl), peer, token, settings));
    }

    private static Optional<X509Certificate> clientCertificate(SSLSocket ssl) {
        try {
            return ssl.getSession().getPeerCertificates().length > 0
                            && ssl.getSession().getPeerCertificates()[0] instanceof X509Certificate x
                    ? Optional.of(x)
                    : Optional.empty();
        } catch (SSLPeerUnverifiedException e) {
            return Optional.empty();
        }
    }

    /**
     * Says close_notify after a handshake (a client reading sees a clean end), then closes the plain socket,
     * which ends even a handshake or a write blocked on it (the handshake deadline, the write deadline).
     */
    private static void close(SSLSocket ssl, Socket plain) {
        if (ssl == null) { // mid-handshake: TLS has nothing to say yet
            closeQuietly(plain);
            return;
        }
        Thread polite = Thread.ofVirtual().start(() -> {
            try {
                ssl.close();
            } catch (IOException e) {
                // the peer is gone
            }
        });
        try {
            polite.join(java.time.Duration.ofMillis(200));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        closeQuietly(plain);
    }

    private static void pause() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            // gone already
        }
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException e) {
            LOG.debug("closing {}: {}", name, e.toString());
        }
    }
}
