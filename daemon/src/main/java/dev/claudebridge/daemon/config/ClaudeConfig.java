package dev.claudebridge.daemon.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * The {@code claude:} section.
 *
 * @param path the host's claude executable; empty: PATH, then the usual install places
 * @param killGrace time between SIGTERM and SIGKILL when a process tree is ended (default 1s)
 */
public record ClaudeConfig(Optional<Path> path, Duration killGrace) {
    public static ClaudeConfig defaults() {
        return new ClaudeConfig(Optional.empty(), Duration.ofSeconds(1));
    }
}
