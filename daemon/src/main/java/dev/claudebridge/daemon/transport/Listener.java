package dev.claudebridge.daemon.transport;

import java.util.function.Consumer;

/** One transport's listener: accepts connections and hands each, on a thread of its own, to a handler. */
public interface Listener extends AutoCloseable {
    /** What logs, the audit log and {@link dev.claudebridge.daemon.session.Peer#listener()} call it (a socket's path). */
    String name();

    /** Accepts until closed; each connection is the handler's to close. */
    void serve(Consumer<Connection> handler);

    /** A reload: a listener with files of its own (TLS certificates) reads them again; the rest ignore it. */
    default void reload(dev.claudebridge.daemon.session.BridgeSettings settings) {}

    /** Stops accepting; connections already handed over go on. */
    @Override
    void close();
}
