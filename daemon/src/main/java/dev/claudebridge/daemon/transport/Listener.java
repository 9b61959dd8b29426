package dev.claudebridge.daemon.transport;

import dev.claudebridge.daemon.config.BridgeConfig;
import java.util.Optional;
import java.util.function.Consumer;

/** One transport's listener: accepts connections and hands each, on a thread of its own, to a handler. */
public interface Listener extends AutoCloseable {
    /** What logs, the audit log and {@link dev.claudebridge.daemon.session.Peer#listener()} call it (a socket's path). */
    String name();

    /** Accepts until closed; each connection is the handler's to close. */
    void serve(Consumer<Connection> handler);

    /** A reload: a listener with files of its own (TLS certificates) reads them again; the rest ignore it. */
    default void reload(dev.claudebridge.daemon.session.BridgeSettings settings) {}

    /**
     * Whether this listener could serve with a reload's configuration (a TLS listener's new files must
     * read); the answer is why not. Checked before the reload is put in force, so a bad certificate
     * rejects the whole reload instead of being skipped while the reload reports success.
     */
    default Optional<String> check(BridgeConfig next) {
        return Optional.empty();
    }

    /** Stops accepting; connections already handed over go on. */
    @Override
    void close();
}
