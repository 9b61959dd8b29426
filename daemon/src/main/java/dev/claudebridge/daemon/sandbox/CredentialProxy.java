package dev.claudebridge.daemon.sandbox;

import dev.claudebridge.daemon.transport.ListenerException;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Objects;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.unixdomain.server.UnixDomainServerConnector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The API as a sandboxed claude sees it: an HTTP/1.1 server on a Unix socket that forwards each request
 * carrying a live {@link Grant}'s placeholder to one upstream, with the real credential in place of the
 * placeholder. The real credential never enters the sandbox; a placeholder is worth nothing outside
 * its grant's lifetime nor anywhere but this socket.
 *
 * <p>The sandboxed claude is pointed here by {@link Grant#environment}: claude sends its API requests
 * over {@code ANTHROPIC_UNIX_SOCKET}, to {@link #BASE_URL}. Who may connect is decided by the socket's
 * directory: {@link #start} makes the socket itself owner-only (0600), and the caller puts it in a
 * directory only the daemon's user can enter and bind-mounts it into the sandbox.
 *
 * <p>Threads: Jetty's acceptor and selector are platform threads; requests run on virtual threads,
 * and the upstream client shares the server's pool. Nothing is logged with a credential or a
 * placeholder in it, only fingerprints; Jetty's own DEBUG logging of the proxy
 * ({@code org.eclipse.jetty.proxy}, {@code org.eclipse.jetty.client}) prints headers, so it must stay off.
 */
public final class CredentialProxy implements AutoCloseable {
    /**
     * The base URL a sandboxed claude gets: never resolved (claude sends API requests over the socket),
     * and a reserved name, so a request that misses the socket fails instead of leaving the host.
     */
    public static final String BASE_URL = "http://claude-bridge.invalid";

    /** Longer than claude's own 10-minute API timeout, so claude gives up first on a silent answer. */
    static final Duration IDLE = Duration.ofMinutes(15);

    private static final Logger LOG = LoggerFactory.getLogger(CredentialProxy.class);

    private final URI upstream;
    private final CredentialSource credentials;
    private final Grants grants = new Grants();
    private Server server;
    private Path socket;

    /**
     * @param upstream the API's base URL, {@code https://api.anthropic.com} in production; every request's
     *     path and query are appended to it
     * @param credentials where the real credential comes from, asked on every upstream request
     */
    public CredentialProxy(URI upstream, CredentialSource credentials) {
        String scheme = upstream.getScheme();
        if (!("https".equals(scheme) || "http".equals(scheme))
                || upstream.getHost() == null
                || upstream.getRawQuery() != null
                || upstream.getRawFragment() != null
                || upstream.getRawUserInfo() != null) {
            throw new IllegalArgumentException(
                    "the upstream must be an http or https base URL without user, query or fragment: " + upstream);
        }
        this.upstream = upstream;
        this.credentials = Objects.requireNonNull(credentials, "credentials");
    }

    /**
     * Listens on {@code socket} (owner-only); a socket file left there by an earlier run is replaced.
     *
     * @throws ListenerException when the path is too long for a socket, is something else than a socket,
     *     or cannot be bound
     */
    public synchronized void start(Path socket) {
        if (server != null) {
            throw new IllegalStateException("the proxy is already listening on " + this.socket);
        }
        Path path = socket.toAbsolutePath();
        Server s = ProxyServers.create("api-proxy", 64);
        s.setStopTimeout(2_000);
        UnixDomainServerConnector connector =
                new UnixDomainServerConnector(s, 1, 1, new HttpConnectionFactory(ProxyServers.http()));
        connector.setUnixDomainPath(path);
        connector.setIdleTimeout(IDLE.toMillis());
        s.addConnector(connector);
        s.setHandler(new InjectingHandler(upstream, grants, credentials, IDLE.toMillis()));
        try {
            replaceStale(path);
            s.start();
            Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-------"));
        } catch (Exception e) {
            stopQuietly(s);
            throw new ListenerException("cannot start the API proxy on " + path + ": " + e.getMessage(), e);
        }
        server = s;
        this.socket = path;
        LOG.info("API proxy on {} forwards to {} with the credential from {}", path, upstream, credentials.origin());
    }

    /**
     * A new grant for one request, of the kind of the credential the source has now.
     *
     * @throws CredentialException when the source has no credential: better refused before claude starts
     */
    public Grant grant(String requestId) {
        Grant grant = grants.issue(requestId, credentials.current().kind());
        LOG.debug("{}: granted", grant);
        return grant;
    }

    /** Stops listening and removes the socket; requests in flight are cut off. Stopping twice is harmless. */
    public synchronized void stop() {
        if (server == null) {
            return;
        }
        stopQuietly(server);
        try {
            Files.deleteIfExists(socket);
        } catch (IOException e) {
            LOG.warn("cannot remove the API proxy's socket {}: {}", socket, e.getMessage());
        }
        server = null;
    }

    @Override
    public void close() {
        stop();
    }

    /** Live grants: for tests and status. */
    int liveGrants() {
        return grants.size();
    }

    /** The socket lives in the caller's private directory, so a socket file there is an earlier run's. */
    private static void replaceStale(Path path) throws IOException {
        if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        int mode = (Integer) Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS);
        if ((mode & 0170000) != 0140000) {
            throw new IOException(path + " exists and is not a socket");
        }
        Files.delete(path);
    }

    private static void stopQuietly(Server s) {
        try {
            s.stop();
        } catch (Exception e) {
            LOG.debug("stopping the API proxy: {}", e.toString());
        }
    }
}
