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
 * @param clientMaxConnections open connections of one caller identity at once; {@link #AUTO}: an eighth of maxConnections
 * @param clientMaxQueued waiting requests of one caller identity at once; {@link #AUTO}: a quarter of maxQueued
 * @param handshakeMemory bytes of handshakes and requests held at once; {@link #AUTO}: a quarter of the heap
 * @param writeDeadline how long one write to a caller may wait for it to read; zero: no limit
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
        Duration writeDeadline) {
    /** {@code max-running: auto}. */
    public static final int AUTO = 0;
    /** {@code write-deadline}'s default. */
    public static final Duration WRITE_DEADLINE = Duration.ofSeconds(60);

    /** With the default write deadline. */
    public LimitsConfig(
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
                WRITE_DEADLINE);
    }

    public static LimitsConfig defaults() {
        return new LimitsConfig(AUTO, 200, 512, Duration.ofSeconds(5), Duration.ZERO, AUTO, AUTO, AUTO, WRITE_DEADLINE);
    }
}
