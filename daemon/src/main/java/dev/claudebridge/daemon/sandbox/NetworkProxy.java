package dev.claudebridge.daemon.sandbox;

import dev.claudebridge.daemon.transport.ListenerException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.unixdomain.server.UnixDomainServerConnector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The network as a sandboxed run with an allow-list sees it: an HTTP proxy that tunnels CONNECTs
 * ({@link TunnelHandler}) and forwards plain-HTTP requests ({@link ForwardHandler}) to the destinations
 * the run's allow-list names, and refuses the rest. Each run gets a socket of its own ({@link #grant}),
 * in a directory only the daemon's user can enter, bind-mounted into that run's sandbox alone; the
 * socket says which run, and so which allow-list, a connection is for. The session helper inside the
 * sandbox relays a loopback TCP port to it, which the tools' {@code HTTPS_PROXY} names.
 *
 * <p>Threads: one Jetty server for every run, its handlers on virtual threads; each run's socket has a
 * selector of its own (a platform thread while the run lasts), tunnels share the CONNECT handler's
 * selector, and plain-HTTP forwarding uses Jetty's HTTP client on the server's pool.
 */
public final class NetworkProxy implements AutoCloseable {
    /** How long a tunnel or connection may stay silent. */
    static final Duration IDLE = Duration.ofMinutes(10);

    private static final Logger LOG = LoggerFactory.getLogger(NetworkProxy.class);

    private final Path dir;
    private final AddressPolicy addresses;
    private final Map<Connector, NetworkGrant> runs = new ConcurrentHashMap<>();
    private final Map<NetworkGrant, UnixDomainServerConnector> connectors = new ConcurrentHashMap<>();
    private final AtomicLong sockets = new AtomicLong();
    private final HttpConfiguration http = ProxyServers.http();
    private Server server;

    /** @param dir where the runs' sockets are made: a directory only the daemon's user may enter */
    public NetworkProxy(Path dir) {
        this(dir, new AddressPolicy());
    }

    NetworkProxy(Path dir, AddressPolicy addresses) {
        this.dir = dir;
        this.addresses = addresses;
    }

    /**
     * A socket for one run that reaches what {@code allowList} names.
     *
     * @param allowList {@code HOST:PORT} entries as the configuration canonicalised them
     * @throws ListenerException when the socket cannot be made
     */
    public synchronized NetworkGrant grant(String requestId, List<String> allowList) {
        Server s = started();
        Path socket = dir.resolve("net-" + sockets.incrementAndGet() + ".sock");
        NetworkGrant grant = new NetworkGrant(requestId, allowList, socket, this::release);
        UnixDomainServerConnector c = new UnixDomainServerConnector(s, 0, 1, new HttpConnectionFactory(http));
        c.setUnixDomainPath(socket);
        c.setIdleTimeout(IDLE.toMillis());
        runs.put(c, grant);
        connectors.put(grant, c);
        try {
            s.addConnector(c);
            c.start();
            Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-------"));
        } catch (Exception e) {
            release(grant);
            throw new ListenerException("cannot start the network proxy on " + socket + ": " + e.getMessage(), e);
        }
        LOG.debug("{}: network proxy on {}", grant, socket);
        return grant;
    }

    /** Runs with a socket now. */
    int liveGrants() {
        return connectors.size();
    }

    private Optional<NetworkGrant> run(Request request) {
        return Optional.ofNullable(runs.get(request.getConnectionMetaData().getConnector()));
    }

    private Server started() {
        if (server == null) {
            Server s = ProxyServers.create("net-proxy", 1024); // a selector thread per running networked request
            s.setStopTimeout(1_000);
            s.setHandler(new TunnelHandler(new ForwardHandler(this::run, addresses), this::run, addresses));
            try {
                s.start();
            } catch (Exception e) {
                throw new ListenerException("cannot start the network proxy: " + e.getMessage(), e);
            }
            server = s;
        }
        return server;
    }

    private void release(NetworkGrant grant) {
        UnixDomainServerConnector c = connectors.remove(grant);
        if (c == null) {
            return;
        }
        runs.remove(c);
        try {
            c.stop();
        } catch (Exception e) {
            LOG.debug("stopping {}: {}", grant, e.toString());
        }
        synchronized (this) {
            if (server != null) {
                server.removeConnector(c);
            }
        }
        try {
            Files.deleteIfExists(grant.socket());
        } catch (IOException e) {
            LOG.warn("cannot remove the network proxy's socket {}: {}", grant.socket(), e.getMessage());
        }
        LOG.debug("{}: closed ({} opened, {} refused)", grant, grant.opened(), grant.refused());
    }

    /** Closes every run's socket and stops the proxy. */
    @Override
    public synchronized void close() {
        List.copyOf(connectors.keySet()).forEach(this::release);
        if (server != null) {
            try {
                server.stop();
            } catch (Exception e) {
                LOG.debug("stopping the network proxy: {}", e.toString());
            }
            server = null;
        }
    }
}
