package dev.claudebridge.daemon.transport;

import dev.claudebridge.daemon.session.Peer;
import dev.claudebridge.daemon.session.PeerCheck;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import jdk.net.ExtendedSocketOptions;
import jdk.net.UnixDomainPrincipal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agents' Unix-domain socket. Binding is safe against the usual accidents: a path too long for
 * sun_path is refused with its length, a live bridge already on the path is refused, a stale socket
 * file is replaced, and the socket appears at its path only once its file mode, owner and group are
 * set (it is bound under a temporary name, chmod-ed and chown-ed, then renamed into place). Closing
 * removes the file. Each connection's peer is what the kernel says of it (SO_PEERCRED, and the
 * container of its pid).
 */
public final class UnixSocketListener implements Listener {
    /** sun_path holds 108 bytes on Linux; the kernel takes 107 without the NUL, the JDK's binding 106. */
    public static final int MAX_PATH_BYTES = 106;

    private static final Logger LOG = LoggerFactory.getLogger(UnixSocketListener.class);

    private final Path path;
    private final ServerSocketChannel server;
    private final Object fileKey;
    private final Thread.Builder connections = Thread.ofVirtual().name("conn-", 1);

    private UnixSocketListener(Path path, ServerSocketChannel server, Object fileKey) {
        this.path = path;
        this.server = server;
        this.fileKey = fileKey;
    }

    /**
     * Binds the socket with the daemon's owner and group.
     *
     * @throws ListenerException when the path is unusable or another bridge is listening on it
     */
    public static UnixSocketListener bind(Path path, Set<PosixFilePermission> mode) {
        return bind(path, mode, Optional.empty(), Optional.empty());
    }

    /**
     * Binds the socket.
     *
     * @param owner a user name or uid to give the socket file
     * @param group a group name or gid to give it
     * @throws ListenerException when the path is unusable, another bridge is listening on it, or the
     *     owner or group cannot be given
     */
    public static UnixSocketListener bind(
            Path path, Set<PosixFilePermission> mode, Optional<String> owner, Optional<String> group) {
        Path abs = path.toAbsolutePath();
        int len = abs.toString().getBytes(StandardCharsets.UTF_8).length;
        if (len > MAX_PATH_BYTES) {
            throw new ListenerException("socket path is " + len + " bytes, more than the " + MAX_PATH_BYTES
                    + " a Unix socket allows: " + abs);
        }
        try {
            Files.createDirectories(abs.getParent());
            clearStale(abs);
            // a temporary name no longer than the final one (".cb" + pid fits unless the name is tiny)
            String tmpName = ".cb" + ProcessHandle.current().pid();
            Path tmp = abs.resolveSibling(
                    tmpName.length() <= abs.getFileName().toString().length() ? tmpName : ".c");
            Files.deleteIfExists(tmp);
            ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            try {
                server.bind(UnixDomainSocketAddress.of(tmp), 256);
                Files.setPosixFilePermissions(tmp, mode);
                chown(tmp, abs, owner, group);
                Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                Object key = Files.readAttributes(
                                abs, java.nio.file.attribute.BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS)
                        .fileKey();
                return new UnixSocketListener(abs, server, key);
            } catch (IOException | RuntimeException e) {
                server.close();
                Files.deleteIfExists(tmp);
                throw e;
            }
        } catch (IOException e) {
            throw new ListenerException("cannot listen on " + abs + ": " + e.getMessage(), e);
        }
    }

    private static void chown(Path tmp, Path abs, Optional<String> owner, Optional<String> group) {
        if (owner.isEmpty() && group.isEmpty()) {
            return;
        }
        try {
            UserPrincipalLookupService names = tmp.getFileSystem().getUserPrincipalLookupService();
            PosixFileAttributeView view =
                    Files.getFileAttributeView(tmp, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS);
            if (owner.isPresent()) {
                view.setOwner(names.lookupPrincipalByName(owner.get()));
            }
            if (group.isPresent()) {
                view.setGroup(names.lookupPrincipalByGroupName(group.get()));
            }
        } catch (IOException e) {
            throw new ListenerException(
                    "cannot give " + abs + " owner " + owner.orElse("(unchanged)") + " and group "
                            + group.orElse("(unchanged)") + ": " + e.getMessage(),
                    e);
        }
    }

    private static void clearStale(Path abs) throws IOException {
        if (!Files.exists(abs, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        if (!"socket".equals(fileType(abs))) {
            throw new ListenerException(abs + " exists and is not a socket; remove it or choose another --socket");
        }
        try (SocketChannel probe = SocketChannel.open(UnixDomainSocketAddress.of(abs))) {
            throw new ListenerException(
                    "another bridge is already listening on " + abs + "; stop it first, or choose another --socket");
        } catch (IOException refused) {
            LOG.info("replacing stale socket file {}", abs);
            Files.delete(abs);
        }
    }

    private static String fileType(Path p) throws IOException {
        Object mode = Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS);
        return ((Integer) mode & 0170000) == 0140000 ? "socket" : "other";
    }

    public Path path() {
        return path;
    }

    @Override
    public String name() {
        return path.toString();
    }

    /**
     * Accepts connections until closed, handing each to {@code handler} on its own virtual thread.
     */
    @Override
    public void serve(Consumer<Connection> handler) {
        while (server.isOpen()) {
            SocketChannel ch;
            try {
                ch = server.accept();
            } catch (AsynchronousCloseException e) {
                return;
            } catch (IOException e) {
                if (!server.isOpen()) {
                    return;
                }
                LOG.warn("accept on {} failed: {}", path, e.toString());
                pause(); // e.g. out of descriptors: do not spin
                continue;
            }
            connections.start(() -> handler.accept(new Connection(
                    peer(ch),
                    Channels.newInputStream(ch),
                    Channels.newOutputStream(ch),
                    ch,
                    PeerCheck.ACCEPTED,
                    Optional.of(ch))));
        }
    }

    /** The peer as the kernel tells it, taken once at accept (the container's identity cannot change later). */
    private Peer peer(SocketChannel ch) {
        try {
            UnixDomainPrincipal p = ch.getOption(ExtendedSocketOptions.SO_PEERCRED);
            PeerCredentials.Credentials c;
            try {
                c = PeerCredentials.of(ch);
            } catch (LinkageError e) {
                c = PeerCredentials.Credentials.UNKNOWN; // no libc calls: listener and uid only
            }
            return new Peer(name(), p.user().getName(), p.group().getName(), c.pid(), c.container());
        } catch (IOException | UnsupportedOperationException e) {
            return new Peer(name(), "", "");
        }
    }

    private static void pause() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops accepting and removes the socket file, if it is still the one this listener made. */
    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException e) {
            LOG.debug("closing {}: {}", path, e.toString());
        }
        try {
            Object key = Files.readAttributes(
                            path, java.nio.file.attribute.BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS)
                    .fileKey();
            if (key != null && key.equals(fileKey)) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            // already gone
        }
    }
}
