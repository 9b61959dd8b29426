package dev.claudebridge.daemon.config;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.function.Function;

/**
 * The {@code limits:} section: the bridge-wide admission limits. The file and the flags may say
 * {@code auto}; {@link #resolved()} turns each {@code auto} into this host's number, which is what
 * admission works with.
 *
 * @param maxRunning host processes running at once, over all profiles
 * @param maxQueued requests waiting for a slot; one more is refused at once with {@code queue_full}
 * @param maxConnections connections open at once (handshaking, queued or running); one more is refused
 * @param handshakeTimeout how long a new connection has to deliver its HELLO and REQUEST before it is dropped
 * @param idleTimeout how long a running request may pass no bytes either way before it is ended (0: no limit)
 * @param clientMaxConnections connections one caller identity may hold open at once
 * @param clientMaxQueued requests one caller identity may have waiting at once
 * @param handshakeMemory bytes of handshakes and requests held at once, all callers together; one
 *     identity may hold a quarter of it
 * @param writeDeadline how long one write to a caller may wait for it to read before the caller counts
 *     as gone (0: no limit)
 * @param startRate processes started per second at most, over all profiles (0: no limit)
 * @param apiBackoff how long starts pause after a 429 that named no reset time
 * @param apiPauseAbove the login's reported utilization (0 to 1) at which starts pause until the limit resets
 */
public record LimitsConfig(
        int maxRunning,
        int maxQueued,
        int maxConnections,
        Duration handshakeTimeout,
        Duration idleTimeout,
        int clientMaxConnections,
        int clientMaxQueued,
        long handshakeMemory,
        Duration writeDeadline,
        double startRate,
        Duration apiBackoff,
        double apiPauseAbove) {
    /** {@code auto}: derived from this host, or from another limit. */
    public static final int AUTO = 0;

    /** Memory set aside per running claude: its Node process takes a few hundred MB, the host needs the rest. */
    static final long BYTES_PER_PROCESS = 1L << 30;

    static final Table<LimitsConfig> TABLE = new Table<>(v -> new LimitsConfig(
            v.get(LimitsConfig.MAX_RUNNING),
            v.get(LimitsConfig.MAX_QUEUED),
            v.get(LimitsConfig.MAX_CONNECTIONS),
            v.get(LimitsConfig.HANDSHAKE_TIMEOUT),
            v.get(LimitsConfig.IDLE_TIMEOUT),
            v.get(LimitsConfig.CLIENT_MAX_CONNECTIONS),
            v.get(LimitsConfig.CLIENT_MAX_QUEUED),
            v.get(LimitsConfig.HANDSHAKE_MEMORY),
            v.get(LimitsConfig.WRITE_DEADLINE),
            v.get(LimitsConfig.START_RATE),
            v.get(LimitsConfig.API_BACKOFF),
            v.get(LimitsConfig.API_PAUSE_ABOVE)));

    /** Twice the cores, at most one per GiB of memory ({@link #autoMaxRunning()}). */
    public static final Setting<LimitsConfig, Integer> MAX_RUNNING =
            autoOr("max-running", v -> Units.integer(v, 1, 1_000_000), LimitsConfig::maxRunning);

    public static final Setting<LimitsConfig, Integer> MAX_QUEUED =
            TABLE.integer("max-queued", 200, 0, 1_000_000, LimitsConfig::maxQueued);
    public static final Setting<LimitsConfig, Integer> MAX_CONNECTIONS =
            TABLE.integer("max-connections", 512, 1, 1_000_000, LimitsConfig::maxConnections);
    public static final Setting<LimitsConfig, Duration> HANDSHAKE_TIMEOUT =
            TABLE.duration("handshake-timeout", Duration.ofSeconds(5), LimitsConfig::handshakeTimeout);
    public static final Setting<LimitsConfig, Duration> IDLE_TIMEOUT =
            TABLE.duration("idle-timeout", Duration.ZERO, LimitsConfig::idleTimeout);

    /** An eighth of max-connections (64 of 512), so that it takes eight callers to fill the bridge. */
    public static final Setting<LimitsConfig, Integer> CLIENT_MAX_CONNECTIONS =
            autoOr("client-max-connections", v -> Units.integer(v, 1, 1_000_000), LimitsConfig::clientMaxConnections);

    /** A quarter of max-queued (50 of 200). */
    public static final Setting<LimitsConfig, Integer> CLIENT_MAX_QUEUED =
            autoOr("client-max-queued", v -> Units.integer(v, 1, 1_000_000), LimitsConfig::clientMaxQueued);

    /** A quarter of the daemon's heap: a flood of the largest requests is refused long before the heap runs out. */
    public static final Setting<LimitsConfig, Long> HANDSHAKE_MEMORY = TABLE.scalar(
            "handshake-memory",
            (long) AUTO,
            v -> v.trim().equals("auto") ? AUTO : Units.size(v, 1L << 20, 1L << 40),
            v -> v == AUTO ? "auto" : Units.formatSize(v),
            LimitsConfig::handshakeMemory);

    public static final Setting<LimitsConfig, Duration> WRITE_DEADLINE =
            TABLE.duration("write-deadline", Duration.ofSeconds(60), LimitsConfig::writeDeadline);

    /** Starting many sessions in the same second is throttled by the API: at most this many a second (0: no limit). */
    public static final Setting<LimitsConfig, Double> START_RATE =
            TABLE.decimal("start-rate", 0, 0, 1000, LimitsConfig::startRate);

    /** How long starts pause after the API refused a request (429) without saying when its limit resets. */
    public static final Setting<LimitsConfig, Duration> API_BACKOFF =
            TABLE.duration("api-backoff", Duration.ofSeconds(30), LimitsConfig::apiBackoff);

    /** At this share of the login's limit (claude's reported utilization), starts pause until it resets; 1: only once refused. */
    public static final Setting<LimitsConfig, Double> API_PAUSE_ABOVE =
            TABLE.decimal("api-pause-above", 1, 0, 1, LimitsConfig::apiPauseAbove);

    public LimitsConfig {
        if (maxRunning < 0 || maxQueued < 0 || maxConnections < 1 || clientMaxConnections < 0 || clientMaxQueued < 0) {
            throw new IllegalArgumentException("limits cannot be negative, and max-connections is at least 1");
        }
        if (!handshakeTimeout.isPositive() || idleTimeout.isNegative() || writeDeadline.isNegative()) {
            throw new IllegalArgumentException(
                    "handshake-timeout must be positive, idle-timeout and write-deadline not negative");
        }
    }

    public static LimitsConfig defaults() {
        return TABLE.defaults();
    }

    public <T> LimitsConfig with(Setting<LimitsConfig, T> s, T value) {
        return s.with(this, value);
    }

    /** Every {@code auto} worked out for this host: what admission works with. */
    public LimitsConfig resolved() {
        LimitsConfig r = this;
        if (maxRunning == AUTO) {
            r = r.with(MAX_RUNNING, autoMaxRunning());
        }
        if (clientMaxConnections == AUTO) {
            r = r.with(CLIENT_MAX_CONNECTIONS, Math.max(1, maxConnections / 8));
        }
        if (clientMaxQueued == AUTO) {
            r = r.with(CLIENT_MAX_QUEUED, Math.max(Math.min(1, maxQueued), maxQueued / 4));
        }
        if (handshakeMemory == AUTO) {
            r = r.with(HANDSHAKE_MEMORY, Math.max(1L << 20, Runtime.getRuntime().maxMemory() / 4));
        }
        return r;
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

    private static long totalMemory() {
        // the container-aware figure: a cgroup limit when there is one, else the host's RAM
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getTotalMemorySize();
        }
        return 4L << 30;
    }

    /** As the file writes it, e.g. {@code max-running 4, max-queued 200, ...}: for the log. */
    @Override
    public String toString() {
        return TABLE.describe(this);
    }

    private static Setting<LimitsConfig, Integer> autoOr(
            String key, Function<String, Integer> number, Function<LimitsConfig, Integer> get) {
        return TABLE.scalar(
                key,
                AUTO,
                v -> {
                    try {
                        return v.trim().equals("auto") ? AUTO : number.apply(v);
                    } catch (IllegalArgumentException e) {
                        throw new IllegalArgumentException(e.getMessage() + "; or auto");
                    }
                },
                v -> v == AUTO ? "auto" : String.valueOf(v),
                get);
    }
}
