package dev.claudebridge.daemon.config;

import java.nio.file.Path;
import java.util.Optional;

/**
 * The admin endpoints ({@code admin:}, issue 7).
 *
 * @param listen HOST:PORT of the HTTP endpoint; "" disables it
 * @param socket an optional admin Unix socket
 */
public record AdminConfig(String listen, Optional<Path> socket) {
    public static AdminConfig defaults() {
        return new AdminConfig("127.0.0.1:9777", Optional.empty());
    }
}
