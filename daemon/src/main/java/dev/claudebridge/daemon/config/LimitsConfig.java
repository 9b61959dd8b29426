package dev.claudebridge.daemon.config;

import java.time.Duration;

/**
 * Global admission limits ({@code limits:}, issue 6).
 *
 * @param maxRunning processes running at once across profiles; {@link #AUTO} derives it from cores and memory
 * @param maxQueued requests waiting at once
 * @param maxConnections open connections at once
 * @param handshakeTimeout time a new connection has to send its HELLO and REQUEST
 * @param idleTimeout zero: none
 * @param writeDeadline how long one write to a caller may wait for it to read; zero: no limit
 */
public record LimitsConfig(int maxRunning, int maxQueued, int maxConnections, Duration handshakeTimeout, Duration idleTimeout,
        Duration writeDeadline) {
    /** {@code max-running: auto}. */
    public static final int AUTO = 0;
    /** {@code write-deadline}'s default. */
    public static final Duration WRITE_DEADLINE = Duration.ofSeconds(60);

    /** With the default write deadline. */
    public LimitsConfig(int maxRunning, int maxQueued, int maxConnections, Duration handshakeTimeout, Duration idleTimeout) {
        this(maxRunning, maxQueued, maxConnections, handshakeTimeout, idleTimeout, WRITE_DEADLINE);
    }

    public static LimitsConfig defaults() {
        return new LimitsConfig(AUTO, 200, 512, Duration.ofSeconds(5), Duration.ZERO, WRITE_DEADLINE);
    }
}
