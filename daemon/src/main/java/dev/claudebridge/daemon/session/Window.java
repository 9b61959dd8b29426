package dev.claudebridge.daemon.session;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where the daemon's own time goes in one request: from accepting the connection to starting the
 * process, and from the process's exit to the EXIT frame. Logged at DEBUG by the {@code window} logger
 * ({@code CLAUDE_BRIDGE_WINDOW_LOG=DEBUG}), one line per request, so the window can be measured step by
 * step on a running daemon; costs a few {@code nanoTime} calls otherwise.
 */
final class Window {
    private static final Logger LOG = LoggerFactory.getLogger("window");

    /** The steps, in order; each is timed from the one before it that was reached. */
    enum Step {
        /** the caller's HELLO read and answered */
        HELLO,
        /** its REQUEST read and decoded */
        REQUEST,
        /** the plan made: policy, path mapping, environment */
        POLICY,
        /** admission and the working directory opened beneath its root */
        ADMITTED,
        /** the start record written and forced (the listeners' {@code starting}) */
        AUDIT,
        /** the process spawned */
        SPAWN,
        /** STARTED and the first credit sent */
        ANNOUNCED,
        /** the leader's exit seen */
        EXITED,
        /** the output pipes read to their end (or the wait for it given up) */
        READ_TO_END,
        /** the tree checked for leftovers (and ended if any) */
        DRAINED,
        /** the request's cgroup removed (or its descendants forgotten) */
        RELEASED,
        /** the EXIT frame sent, after the last output has been */
        EXIT_SENT
    }

    private final long start = System.nanoTime();
    private final long[] at = new long[Step.values().length];

    void mark(Step s) {
        at[s.ordinal()] = System.nanoTime();
    }

    /** Marks {@code s} and returns {@code value}: for a step that ends in an expression. */
    <T> T after(Step s, T value) {
        mark(s);
        return value;
    }

    /** Logs the steps reached, in milliseconds, when the window logger is on. */
    void log(String id) {
        if (LOG.isDebugEnabled()) {
            LOG.debug("id={} {}", id, this);
        }
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder();
        long before = start;
        for (Step s : Step.values()) {
            long t = at[s.ordinal()];
            if (t != 0) {
                b.append(b.length() == 0 ? "" : " ")
                        .append(s.name().toLowerCase(java.util.Locale.ROOT))
                        .append('=')
                        .append(String.format(java.util.Locale.ROOT, "%.3f", (t - before) / 1e6));
                before = t;
            }
        }
        return b.toString();
    }
}
