package dev.claudebridge.daemon.config;

import java.time.Duration;

/**
 * Graceful shutdown ({@code shutdown:}, issue 6).
 *
 * @param grace how long running sessions may go on after the daemon stops accepting
 */
public record ShutdownConfig(Duration grace) {
    public static ShutdownConfig defaults() {
        return new ShutdownConfig(Duration.ofSeconds(30));
    }
}
