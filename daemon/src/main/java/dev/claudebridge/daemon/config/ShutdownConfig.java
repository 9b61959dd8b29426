package dev.claudebridge.daemon.config;

import java.time.Duration;

/**
 * Graceful shutdown ({@code shutdown:}).
 *
 * @param grace how long running sessions may go on after the daemon stops accepting
 */
public record ShutdownConfig(Duration grace) {
    static final Table<ShutdownConfig> TABLE = new Table<>(v -> new ShutdownConfig(v.get(ShutdownConfig.GRACE)));

    public static final Setting<ShutdownConfig, Duration> GRACE =
            TABLE.duration("grace", Duration.ofSeconds(30), ShutdownConfig::grace);

    public static ShutdownConfig defaults() {
        return TABLE.defaults();
    }
}
