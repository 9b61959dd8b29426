package dev.claudebridge.daemon.cli;

import dev.claudebridge.daemon.config.ListenerConfig;
import dev.claudebridge.daemon.transport.ListenerException;
import dev.claudebridge.daemon.transport.UnixSocketListener;
import java.io.IOException;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;

/**
 * The agents' sockets from the configuration, each with its mode and optional owner and group; served
 * together, closed together.
 */
final class ListenerSet implements AutoCloseable {
    private final List<UnixSocketListener> listeners;
    private final List<ListenerConfig> configs;

    private ListenerSet(List<UnixSocketListener> listeners, List<ListenerConfig> configs) {
        this.listeners = List.copyOf(listeners);
        this.configs = List.copyOf(configs);
    }

    /**
     * Binds every socket, or none.
     *
     * @throws ListenerException naming the socket that could not be bound (or chown-ed)
     */
    static ListenerSet bind(List<ListenerConfig> configs) {
        List<UnixSocketListener> bound = new ArrayList<>();
        try {
            for (ListenerConfig c : configs) {
                UnixSocketListener l = UnixSocketListener.bind(c.socket(), c.permissions());
                bound.add(l);
                chown(c, l.path());
            }
        } catch (ListenerException | IllegalArgumentException e) {
            bound.forEach(UnixSocketListener::close);
            throw e;
        }
        return new ListenerSet(bound, configs);
    }

    private static void chown(ListenerConfig c, Path path) {
        if (c.owner().isEmpty() && c.group().isEmpty()) {
            return;
        }
        try {
            UserPrincipalLookupService names = path.getFileSystem().getUserPrincipalLookupService();
            PosixFileAttributeView view =
                    Files.getFileAttributeView(path, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS);
            if (c.owner().isPresent()) {
                view.setOwner(names.lookupPrincipalByName(c.owner().get()));
            }
            if (c.group().isPresent()) {
                GroupPrincipal g = names.lookupPrincipalByGroupName(c.group().get());
                view.setGroup(g);
            }
        } catch (IOException e) {
            throw new ListenerException(
                    "cannot give " + path + " owner " + c.owner().orElse("(unchanged)") + " and group "
                            + c.group().orElse("(unchanged)") + ": " + e.getMessage(),
                    e);
        }
    }

    List<ListenerConfig> configs() {
        return configs;
    }

    /** The first socket (where the pid file goes, and what the log suggests to try). */
    Path path() {
        return listeners.getFirst().path();
    }

    List<Path> paths() {
        return listeners.stream().map(UnixSocketListener::path).toList();
    }

    /** Accepts on every socket until closed; the handler gets the connection and its socket's path. */
    void serve(BiConsumer<SocketChannel, Path> handler) {
        List<Thread> threads = new ArrayList<>();
        for (UnixSocketListener l : listeners) {
            threads.add(Thread.ofPlatform()
                    .name("accept-" + l.path().getFileName())
                    .start(() -> l.serve(ch -> handler.accept(ch, l.path()))));
        }
        for (Thread t : threads) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    @Override
    public void close() {
        listeners.forEach(UnixSocketListener::close);
    }
}
