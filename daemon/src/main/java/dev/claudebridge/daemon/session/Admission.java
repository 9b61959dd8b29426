package dev.claudebridge.daemon.session;

/**
 * Decides when a request may start its process: concurrency caps, the queue, rate limits. The
 * default admits everything at once.
 */
public interface Admission {
    Admission UNLIMITED = (session, notice) -> () -> { };

    /**
     * Blocks until the request may run.
     *
     * @param notice told the request's queue position while it waits
     * @return a permit the session closes when its process has ended
     * @throws dev.claudebridge.daemon.policy.PolicyException to refuse (queue full, timeout, rate limited)
     */
    Permit admit(SessionInfo session, QueueNotice notice);

    /** A running slot; closing it lets the next request in. */
    interface Permit extends AutoCloseable {
        @Override
        void close();
    }

    /** Where admission reports a waiting request's place in the queue. */
    interface QueueNotice {
        void position(long position, long length);
    }
}
