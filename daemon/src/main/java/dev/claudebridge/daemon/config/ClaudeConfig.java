package dev.claudebridge.daemon.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * The {@code claude:} section.
 *
 * @param path the host's claude executable; empty: PATH, then the usual install places
 * @param killGrace time between SIGTERM and SIGKILL when a process tree is ended
 */
public record ClaudeConfig(Optional<Path> path, Duration killGrace) {
    static final Table<ClaudeConfig> TABLE =
            new Table<>(v -> new ClaudeConfig(v.get(ClaudeConfig.PATH), v.get(ClaudeConfig.KILL_GRACE)));

    public static final Setting<ClaudeConfig, Optional<Path>> PATH = TABLE.path("path", ClaudeConfig::path);
    public static final Setting<ClaudeConfig, Duration> KILL_GRACE =
            TABLE.duration("kill-grace", Duration.ofSeconds(1), ClaudeConfig::killGrace);

    public static ClaudeConfig defaults() {
        return TABLE.defaults();
    }

    public <T> ClaudeConfig with(Setting<ClaudeConfig, T> s, T value) {
        return s.with(this, value);
    }
}
