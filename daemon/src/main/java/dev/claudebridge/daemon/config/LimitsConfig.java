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
 */
public record LimitsConfig(int maxRunning, int maxQueued, int maxConnections, Duration handshakeTimeout, Duration idleTimeout) {
    /** {@code max-running: auto}. */
    public static final int AUTO = 0;

    public static LimitsConfig defaults() {
        return new LimitsConfig(AUTO, 200, 512, Duration.ofSeconds(5), Duration.ZERO);
    }
}
