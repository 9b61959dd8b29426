package dev.claudebridge.daemon.config;

import java.nio.file.Path;
import java.util.Optional;

/**
 * The admin endpoints ({@code admin:}).
 *
 * @param listen HOST:PORT of the HTTP endpoint; "" disables it
 * @param socket an optional admin Unix socket
 * @param tokenFile the operator token's file; default: {@code operator-token} beside the audit log
 */
public record AdminConfig(String listen, Optional<Path> socket, Optional<Path> tokenFile) {
    static final Table<AdminConfig> TABLE = new Table<>(
            v -> new AdminConfig(v.get(AdminConfig.LISTEN), v.get(AdminConfig.SOCKET), v.get(AdminConfig.TOKEN_FILE)));

    /** A constant, for the help of the flags that name it. */
    public static final String DEFAULT_LISTEN = "127.0.0.1:9777";

    public static final Setting<AdminConfig, String> LISTEN =
            TABLE.string("listen", DEFAULT_LISTEN, AdminConfig::listen);
    public static final Setting<AdminConfig, Optional<Path>> SOCKET = TABLE.path("socket", AdminConfig::socket);
    public static final Setting<AdminConfig, Optional<Path>> TOKEN_FILE =
            TABLE.path("token-file", AdminConfig::tokenFile);

    public static AdminConfig defaults() {
        return TABLE.defaults();
    }
}
