package dev.claudebridge.daemon.admission;

import dev.claudebridge.daemon.config.LimitsConfig;
import java.lang.management.ManagementFactory;
import java.time.Duration;

/**
 * The bridge-wide limits.
 *
 * @param maxRunning host processes running at once, over all profiles
 * @param maxQueued requests waiting for a slot; one more is refused at once with {@code queue_full}
 * @param maxConnections connections open at once (handshaking, queued or running); one more is refused
 * @param handshakeTimeout how long a new connection has to deliver its HELLO and REQUEST before it is dropped
 * @param idleTimeout how long a running request may pass no bytes either way before it is ended (0: no limit)
 * @param writeDeadline how long one write to a caller may wait for it to read before the caller counts as
 *     gone (0: no limit)
 */
public record Limits(int maxRunning, int maxQueued, int maxConnections, Duration handshakeTimeout, Duration idleTimeout,
        Duration writeDeadline) {
    /** Memory set aside per running claude: its Node process takes a few hundred MB, the host needs the rest. */
    static final long BYTES_PER_PROCESS = 1L << 30;

    public Limits {
        if (maxRunning < 1 || maxQueued < 0 || maxConnections < 1) {
            throw new IllegalArgumentException("max-running and max-connections must be at least 1 and max-queued at least 0");
        }
        if (handshakeTimeout.isNegative() || handshakeTimeout.isZero() || idleTimeout.isNegative() || writeDeadline.isNegative()) {
            throw new IllegalArgumentException("handshake-timeout must be positive, idle-timeout and write-deadline not negative");
        }
    }

    /** With the default write deadline. */
    public Limits(int maxRunning, int maxQueued, int maxConnections, Duration handshakeTimeout, Duration idleTimeout) {
        this(maxRunning, maxQueued, maxConnections, handshakeTimeout, idleTimeout, LimitsConfig.WRITE_DEADLINE);
    }

    /** The {@code limits:} section, with {@code max-running: auto} derived from this host. */
    public static Limits of(LimitsConfig c) {
        return new Limits(c.maxRunning() == LimitsConfig.AUTO ? autoMaxRunning() : c.maxRunning(), c.maxQueued(), c.maxConnections(),
                c.handshakeTimeout(), c.idleTimeout(), c.writeDeadline());
    }

    /** The defaults, with {@code max-running} derived from this host ({@link #autoMaxRunning()}). */
    public static Limits defaults() {
        return new Limits(autoMaxRunning(), 200, 512, Duration.ofSeconds(5), Duration.ZERO, LimitsConfig.WRITE_DEADLINE);
    }

    /**
     * The default cap on running processes: twice the cores (claude mostly waits on the network, but its
     * tools compile and test), and no more than one per GiB of memory (each is a Node process of a few
     * hundred MB); at least 1. A 2-core, 8 GiB host gets 4; a 16-core, 64 GiB host gets 32.
     */
    public static int autoMaxRunning() {
        return autoMaxRunning(Runtime.getRuntime().availableProcessors(), totalMemory());
    }

    static int autoMaxRunning(int cores, long memoryBytes) {
        long byMemory = memoryBytes / BYTES_PER_PROCESS;
        return (int) Math.max(1, Math.min(2L * cores, byMemory));
    }

    /** As the log and the configuration write it. */
    @Override
    public String toString() {
        return "max-running " + maxRunning + ", max-queued " + maxQueued + ", max-connections " + maxConnections + ", handshake-timeout "
                + Durations.format(handshakeTimeout) + ", idle-timeout " + Durations.format(idleTimeout) + ", write-deadline "
                + Durations.format(writeDeadline);
    }

    private static long totalMemory() {
        // the container-aware figure: a cgroup limit when there is one, else the host's RAM
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getTotalMemorySize();
        }
        return 4L << 30;
    }
}
