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
 * @param clientMaxConnections connections one caller identity may hold open at once; 0: an eighth of maxConnections
 * @param clientMaxQueued requests one caller identity may have waiting at once; 0: a quarter of maxQueued
 * @param handshakeMemory bytes of handshakes and requests held at once, all callers together; one
 *     identity may hold a quarter of it
 * @param writeDeadline how long one write to a caller may wait for it to read before the caller counts as
 *     gone (0: no limit)
 */
public record Limits(
        int maxRunning,
        int maxQueued,
        int maxConnections,
        Duration handshakeTimeout,
        Duration idleTimeout,
        int clientMaxConnections,
        int clientMaxQueued,
        long handshakeMemory,
        Duration writeDeadline) {
    /** {@code client-max-connections} and {@code client-max-queued}: derived from the bridge-wide cap. */
    public static final int AUTO = 0;

    /** Memory set aside per running claude: its Node process takes a few hundred MB, the host needs the rest. */
    static final long BYTES_PER_PROCESS = 1L << 30;

    public Limits {
        if (maxRunning < 1 || maxQueued < 0 || maxConnections < 1) {
            throw new IllegalArgumentException(
                    "max-running and max-connections must be at least 1 and max-queued at least 0");
        }
        if (handshakeTimeout.isNegative()
                || handshakeTimeout.isZero()
                || idleTimeout.isNegative()
                || writeDeadline.isNegative()) {
            throw new IllegalArgumentException(
                    "handshake-timeout must be positive, idle-timeout and write-deadline not negative");
        }
        if (clientMaxConnections < 0 || clientMaxQueued < 0 || handshakeMemory < 1) {
            throw new IllegalArgumentException(
                    "client-max-connections and client-max-queued cannot be negative, handshake-memory must be at least 1");
        }
    }

    /** The limits with the per-client caps, the handshake memory and the write deadline at their defaults. */
    public Limits(int maxRunning, int maxQueued, int maxConnections, Duration handshakeTimeout, Duration idleTimeout) {
        this(maxRunning, maxQueued, maxConnections, handshakeTimeout, idleTimeout, AUTO, AUTO, autoHandshakeMemory());
    }

    /** The limits with the write deadline at its default. */
    public Limits(
            int maxRunning,
            int maxQueued,
            int maxConnections,
            Duration handshakeTimeout,
            Duration idleTimeout,
            int clientMaxConnections,
            int clientMaxQueued,
            long handshakeMemory) {
        this(
                maxRunning,
                maxQueued,
                maxConnections,
                handshakeTimeout,
                idleTimeout,
                clientMaxConnections,
                clientMaxQueued,
                handshakeMemory,
                LimitsConfig.WRITE_DEADLINE);
    }

    /**
     * Connections one identity may hold: {@code client-max-connections}, by default an eighth of
     * {@code max-connections} (64 of 512), so that it takes eight callers to fill the bridge.
     */
    public int clientConnectionCap() {
        return clientMaxConnections == AUTO ? Math.max(1, maxConnections / 8) : clientMaxConnections;
    }

    /** Requests one identity may have waiting: {@code client-max-queued}, by default a quarter of {@code max-queued} (50 of 200). */
    public int clientQueueCap() {
        return clientMaxQueued == AUTO ? Math.max(Math.min(1, maxQueued), maxQueued / 4) : clientMaxQueued;
    }

    /**
     * The default budget for handshakes and held requests: a quarter of the daemon's heap, so that a
     * flood of the largest requests (1 MiB each) is refused long before the heap runs out.
     */
    public static long autoHandshakeMemory() {
        return Math.max(1L << 20, Runtime.getRuntime().maxMemory() / 4);
    }

    /** The {@code limits:} section, with {@code max-running: auto} derived from this host. */
    public static Limits of(LimitsConfig c) {
        return new Limits(
                c.maxRunning() == LimitsConfig.AUTO ? autoMaxRunning() : c.maxRunning(),
                c.maxQueued(),
                c.maxConnections(),
                c.handshakeTimeout(),
                c.idleTimeout(),
                c.clientMaxConnections(),
                c.clientMaxQueued(),
                c.handshakeMemory() == LimitsConfig.AUTO ? autoHandshakeMemory() : c.handshakeMemory(),
                c.writeDeadline());
    }

    /** The defaults, with {@code max-running} derived from this host ({@link #autoMaxRunning()}). */
    public static Limits defaults() {
        return new Limits(autoMaxRunning(), 200, 512, Duration.ofSeconds(5), Duration.ZERO);
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
        return "max-running " + maxRunning + ", max-queued " + maxQueued + ", max-connections " + maxConnections
                + ", handshake-timeout "
                + Durations.format(handshakeTimeout) + ", idle-timeout " + Durations.format(idleTimeout)
                + ", client-max-connections "
                + clientConnectionCap() + ", client-max-queued " + clientQueueCap() + ", handshake-memory "
                + (handshakeMemory >> 20) + "MiB"
                + ", write-deadline " + Durations.format(writeDeadline);
    }

    private static long totalMemory() {
        // the container-aware figure: a cgroup limit when there is one, else the host's RAM
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getTotalMemorySize();
        }
        return 4L << 30;
    }
}
