package dev.claudebridge.daemon.cli;

import dev.claudebridge.daemon.config.BridgeConfig;
import dev.claudebridge.daemon.config.Defaults;
import dev.claudebridge.daemon.config.ListenerConfig;
import dev.claudebridge.daemon.session.BridgeSettings;
import dev.claudebridge.daemon.transport.Connection;
import dev.claudebridge.daemon.transport.Listener;
import dev.claudebridge.daemon.transport.ListenerException;
import dev.claudebridge.daemon.transport.TlsListener;
import dev.claudebridge.daemon.transport.UnixSocketListener;
import dev.claudebridge.daemon.transport.WebSocketListener;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/** The agents' listeners from the configuration (sockets, TLS and WebSocket addresses), bound together, served together, closed together. */
final class ListenerSet implements AutoCloseable {
    private final List<Listener> listeners;

    private ListenerSet(List<Listener> listeners) {
        this.listeners = List.copyOf(listeners);
    }

    /**
     * Binds every listener, or none.
     *
     * @throws ListenerException naming the listener that could not be bound (or chown-ed, or given its TLS files)
     */
    static ListenerSet bind(List<ListenerConfig> configs) {
        List<Listener> bound = new ArrayList<>();
        try {
            for (ListenerConfig c : configs) {
                bound.add(
                        !c.tls().enabled()
                                ? UnixSocketListener.bind(c.socket(), c.permissions(), c.owner(), c.group())
                                : c.tls().websocket() ? WebSocketListener.bind(c) : TlsListener.bind(c));
            }
        } catch (ListenerException | IllegalArgumentException e) {
            bound.forEach(Listener::close);
            throw e;
        }
        return new ListenerSet(bound);
    }

    /** The first socket (where the pid file goes, and what the log suggests to try); the default path with none. */
    Path path() {
        return paths().stream().findFirst().orElse(Defaults.socket());
    }

    /** The Unix sockets' paths. */
    List<Path> paths() {
        return listeners.stream()
                .filter(UnixSocketListener.class::isInstance)
                .map(l -> ((UnixSocketListener) l).path())
                .toList();
    }

    /** Every listener's name (a socket's path, {@code tls://HOST:PORT}). */
    List<String> names() {
        return listeners.stream().map(Listener::name).toList();
    }

    /** Why some listener could not serve with a reload's configuration (its TLS files), if one could not. */
    Optional<String> check(BridgeConfig next) {
        return listeners.stream()
                .map(l -> l.check(next))
                .flatMap(Optional::stream)
                .findFirst();
    }

    /** A reload's new TLS files for the TLS listeners. */
    void reload(BridgeSettings settings) {
        listeners.forEach(l -> l.reload(settings));
    }

    /** Accepts on every listener until closed. */
    void serve(Consumer<Connection> handler) {
        List<Thread> threads = new ArrayList<>();
        for (Listener l : listeners) {
            threads.add(Thread.ofPlatform()
                    .name("accept-" + l.name().substring(l.name().lastIndexOf('/') + 1))
                    .start(() -> l.serve(handler)));
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
        listeners.forEach(Listener::close);
    }
}
