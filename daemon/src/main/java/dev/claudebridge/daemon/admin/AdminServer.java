package dev.claudebridge.daemon.admin;

import dev.claudebridge.daemon.transport.ListenerException;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.Executors;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.unixdomain.server.UnixDomainServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin HTTP listener: Jetty's core server on a TCP address and, optionally, a Unix socket
 * (mode 0600: the status shows every agent's requests). It never shares a socket with the agents.
 * Jetty's own threads (one acceptor and one selector per connector) are platform threads; requests
 * run on virtual threads, so a dashboard's open event stream costs one virtual thread.
 */
public final class AdminServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AdminServer.class);

    private final Server server;
    private final EventStream events;
    private final OptionalInt port;
    private final List<String> endpoints;

    private AdminServer(Server server, EventStream events, OptionalInt port, List<String> endpoints) {
        this.server = server;
        this.events = events;
        this.port = port;
        this.endpoints = List.copyOf(endpoints);
    }

    /**
     * Binds and starts serving.
     *
     * @throws ListenerException when an address is taken or a socket path is unusable
     */
    public static AdminServer start(
            Optional<AdminAddress> http,
            Optional<Path> socket,
            StatusService status,
            BridgeMetrics metrics,
            Readiness readiness,
            RequestTracker tracker,
            ActionHandler actions) {
        QueuedThreadPool threads = new QueuedThreadPool(16, 2, 60_000);
        threads.setName("admin");
        threads.setVirtualThreadsExecutor(Executors.newThreadPerTaskExecutor(
                Thread.ofVirtual().name("admin-", 1).factory()));
        Server server = new Server(threads);
        server.setStopTimeout(2_000);
        HttpConfiguration config = new HttpConfiguration();
        config.setSendServerVersion(false);
        config.setSendXPoweredBy(false);
        ServerConnector tcp = null;
        if (http.isPresent()) {
            tcp = new ServerConnector(server, 1, 1, new HttpConnectionFactory(config));
            tcp.setHost(http.get().host());
            tcp.setPort(http.get().port());
            server.addConnector(tcp);
        }
        if (socket.isPresent()) {
            Path path = socket.get().toAbsolutePath();
            clearStale(path);
            UnixDomainServerConnector unix =
                    new UnixDomainServerConnector(server, 1, 1, new HttpConnectionFactory(config));
            unix.setUnixDomainPath(path);
            server.addConnector(unix);
        }
        EventStream events = new EventStream(status, tracker);
        server.setHandler(new AdminHandler(status, metrics, readiness, events, actions));
        try {
            server.start();
        } catch (Exception e) {
            stopQuietly(server);
            throw new ListenerException(
                    "cannot start the admin endpoint on " + describe(http, socket) + ": " + e.getMessage()
                            + "; choose another admin address (--admin-listen HOST:PORT, or off)",
                    e);
        }
        List<String> endpoints = new ArrayList<>();
        OptionalInt port = OptionalInt.empty();
        if (tcp != null) {
            port = OptionalInt.of(tcp.getLocalPort());
            endpoints.add(http.get().url(tcp.getLocalPort()));
        }
        if (socket.isPresent()) {
            Path path = socket.get().toAbsolutePath();
            try {
                Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-------"));
            } catch (IOException e) {
                stopQuietly(server);
                throw new ListenerException(
                        "cannot set the mode of the admin socket " + path + ": " + e.getMessage(), e);
            }
            endpoints.add("unix:" + path);
        }
        AdminServer a = new AdminServer(server, events, port, endpoints);
        status.admin(endpoints);
        return a;
    }

    /** The bound TCP port (useful with port 0), if the TCP endpoint is on. */
    public OptionalInt port() {
        return port;
    }

    /** Where it listens: {@code http://HOST:PORT} and {@code unix:PATH}. */
    public List<String> endpoints() {
        return endpoints;
    }

    @Override
    public void close() {
        events.close();
        stopQuietly(server);
    }

    private static void stopQuietly(Server server) {
        try {
            server.stop();
        } catch (Exception e) {
            LOG.debug("stopping the admin endpoint: {}", e.toString());
        }
    }

    /** A socket file left by a daemon that died is replaced; a live one is not. */
    private static void clearStale(Path path) {
        if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (SocketChannel probe = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            probe.connect(UnixDomainSocketAddress.of(path));
            throw new ListenerException(
                    "something is already listening on the admin socket " + path + "; stop it or choose another path");
        } catch (IOException refused) {
            try {
                Files.delete(path);
            } catch (IOException e) {
                throw new ListenerException("cannot replace the stale admin socket " + path + ": " + e.getMessage(), e);
            }
        }
    }

    private static String describe(Optional<AdminAddress> http, Optional<Path> socket) {
        List<String> parts = new ArrayList<>();
        http.ifPresent(h -> parts.add(h.toString()));
        socket.ifPresent(s -> parts.add("unix:" + s));
        return String.join(" and ", parts);
    }
}
