package dev.claudebridge.daemon.session;

/**
 * Decides when a request may start its process: concurrency caps, the queue, rate limits. The
 * default admits everything at once.
 */
public interface Admission {
    Admission UNLIMITED = (session, notice) -> () -> {};

    /**
     * Blocks until the request may run.
     *
     * @param notice told the request's queue position while it waits
     * @return a permit the session closes when its process has ended
     * @throws dev.claudebridge.daemon.session.Refusal to refuse (queue full, timeout, rate limited)
     */
    Permit admit(SessionInfo session, QueueNotice notice);

    /**
     * How long one write to a caller may wait for it to read before the caller counts as gone (zero:
     * no limit); read once per connection, so a reload applies to the next one.
     */
    default java.time.Duration writeDeadline() {
        return dev.claudebridge.daemon.config.LimitsConfig.WRITE_DEADLINE.dflt();
    }

    /** A running slot; closing it lets the next request in. */
    interface Permit extends AutoCloseable {
        /**
         * The process has started. Admission may end it early (a runtime or idle limit, a shutdown) by
         * calling {@code stop} with a reason, which the session shows on the caller's stderr before it
         * ends the process tree. The default ignores it.
         */
        default void running(java.util.function.Consumer<String> stop) {}

        @Override
        void close();
    }

    /** Where admission reports a waiting request's place in the queue. */
    interface QueueNotice {
        void position(long position, long length);

        /** The place, and why starts are held back beyond the slots ("" when only slots are), for the caller to show. */
        default void position(long position, long length, String reason) {
            position(position, length);
        }
    }
}
