package dev.claudebridge.daemon.cli;

import dev.claudebridge.daemon.config.ListenerConfig;
import dev.claudebridge.daemon.transport.Connection;
import dev.claudebridge.daemon.transport.ListenerException;
import dev.claudebridge.daemon.transport.UnixSocketListener;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/** The agents' sockets from the configuration, bound together, served together, closed together. */
final class ListenerSet implements AutoCloseable {
    private final List<UnixSocketListener> listeners;

    private ListenerSet(List<UnixSocketListener> listeners) {
        this.listeners = List.copyOf(listeners);
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
                bound.add(UnixSocketListener.bind(c.socket(), c.permissions(), c.owner(), c.group()));
            }
        } catch (ListenerException | IllegalArgumentException e) {
            bound.forEach(UnixSocketListener::close);
            throw e;
        }
        return new ListenerSet(bound);
    }

    /** The first socket (where the pid file goes, and what the log suggests to try). */
    Path path() {
        return listeners.getFirst().path();
    }

    List<Path> paths() {
        return listeners.stream().map(UnixSocketListener::path).toList();
    }

    /** Accepts on every socket until closed. */
    void serve(Consumer<Connection> handler) {
        List<Thread> threads = new ArrayList<>();
        for (UnixSocketListener l : listeners) {
            threads.add(
                    Thread.ofPlatform().name("accept-" + l.path().getFileName()).start(() -> l.serve(handler)));
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
