package dev.claudebridge.daemon.session;

/**
 * Hooks into a session's life, for the audit log, metrics and the status page. Called on the session's
 * own thread; implementations must be quick and thread-safe.
 */
public interface SessionListener {
    /** A connection arrived (before the handshake). */
    default void accepted(SessionInfo session) {
    }

    /**
     * The request passed policy and admission and its process is about to start. Throwing
     * {@link dev.claudebridge.daemon.policy.PolicyException} refuses it: the audit log uses this to fail
     * closed when it cannot record the start.
     */
    default void starting(SessionInfo session) {
    }

    /** The process is running. */
    default void started(SessionInfo session) {
    }

    /** The session is over, whatever the outcome (refused, failed, exited, caller gone). */
    default void finished(SessionInfo session) {
    }
}
