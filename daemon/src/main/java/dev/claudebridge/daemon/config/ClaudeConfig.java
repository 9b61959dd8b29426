package dev.claudebridge.daemon.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * The {@code claude:} section.
 *
 * @param path the host's claude executable; empty: PATH, then the usual install places
 * @param killGrace time between SIGTERM and SIGKILL when a process tree is ended
 * @param credentialFile the credential a sandboxed claude's API calls are sent with (a {@code claude
 *     setup-token} token or an API key); empty: the daemon's environment, then the host's login
 */
public record ClaudeConfig(Optional<Path> path, Duration killGrace, Optional<Path> credentialFile) {
    static final Table<ClaudeConfig> TABLE = new Table<>(v -> new ClaudeConfig(
            v.get(ClaudeConfig.PATH), v.get(ClaudeConfig.KILL_GRACE), v.get(ClaudeConfig.CREDENTIAL_FILE)));

    public static final Setting<ClaudeConfig, Optional<Path>> PATH = TABLE.path("path", ClaudeConfig::path);
    public static final Setting<ClaudeConfig, Duration> KILL_GRACE =
            TABLE.duration("kill-grace", Duration.ofSeconds(1), ClaudeConfig::killGrace);
    public static final Setting<ClaudeConfig, Optional<Path>> CREDENTIAL_FILE =
            TABLE.path("credential-file", ClaudeConfig::credentialFile);

    public static ClaudeConfig defaults() {
        return TABLE.defaults();
    }

    public <T> ClaudeConfig with(Setting<ClaudeConfig, T> s, T value) {
        return s.with(this, value);
    }
}
