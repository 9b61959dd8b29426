package dev.claudebridge.daemon.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * The {@code claude:} section.
 *
 * @param path the host's claude executable; empty: PATH, then the usual install places
 * @param killGrace time between SIGTERM and SIGKILL when a process tree is ended (default 1s)
 * @param credentialFile the credential a sandboxed claude's API calls are sent with (a {@code claude
 *     setup-token} token or an API key); empty: the daemon's environment, then the host's login
 */
public record ClaudeConfig(Optional<Path> path, Duration killGrace, Optional<Path> credentialFile) {
    public static ClaudeConfig defaults() {
        return new ClaudeConfig(Optional.empty(), Duration.ofSeconds(1), Optional.empty());
    }

    /** Without a credential file. */
    public ClaudeConfig(Optional<Path> path, Duration killGrace) {
        this(path, killGrace, Optional.empty());
    }
}
