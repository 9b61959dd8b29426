package dev.claudebridge.daemon.session;

import java.util.List;

/**
 * Hooks into a session's life, for the audit log, metrics and the status page. Called on the session's
 * own thread; implementations must be quick and thread-safe.
 */
public interface SessionListener {
    /** A connection arrived (before the handshake). */
    default void accepted(SessionInfo session) {}

    /**
     * The request passed policy and admission and its process is about to start. Throwing
     * {@link dev.claudebridge.daemon.session.Refusal} refuses it: the audit log uses this to fail
     * closed when it cannot record the start.
     */
    default void starting(SessionInfo session) {}

    /** The process is running. */
    default void started(SessionInfo session) {}

    /** The session is over, whatever the outcome (refused, failed, exited, caller gone). */
    default void finished(SessionInfo session) {}

    /** The host claude reported the login's rate-limit state (from the relay's threads: must not block). */
    default void rateLimit(SessionInfo session, dev.claudebridge.daemon.usage.RateLimitInfo state) {}

    /** One listener that tells each of {@code listeners} every event, in order. */
    static SessionListener all(List<SessionListener> listeners) {
        return new FanOut(List.copyOf(listeners));
    }

    /** The fan-out behind {@link #all}. */
    record FanOut(List<SessionListener> listeners) implements SessionListener {
        @Override
        public void accepted(SessionInfo s) {
            listeners.forEach(l -> l.accepted(s));
        }

        @Override
        public void starting(SessionInfo s) {
            listeners.forEach(l -> l.starting(s));
        }

        @Override
        public void started(SessionInfo s) {
            listeners.forEach(l -> l.started(s));
        }

        @Override
        public void finished(SessionInfo s) {
            listeners.forEach(l -> l.finished(s));
        }

        @Override
        public void rateLimit(SessionInfo s, dev.claudebridge.daemon.usage.RateLimitInfo r) {
            listeners.forEach(l -> l.rateLimit(s, r));
        }
    }
}
