package dev.claudebridge.daemon.config;

import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Set;

/** Default locations, which depend on whether the daemon runs as root (system) or as a user. */
public final class Defaults {
    private Defaults() {}

    static boolean root() {
        return "root".equals(System.getProperty("user.name"));
    }

    /** /var/run/claude-code-bridge.sock as root, else $XDG_RUNTIME_DIR/claude-code-bridge.sock (or the temp dir). */
    public static Path socket() {
        if (root()) {
            return Path.of("/var/run/claude-code-bridge.sock");
        }
        String runtime = System.getenv("XDG_RUNTIME_DIR");
        if (runtime != null && !runtime.isBlank()) {
            return Path.of(runtime, "claude-code-bridge.sock");
        }
        return Path.of(
                System.getProperty("java.io.tmpdir"),
                "claude-code-bridge-" + System.getProperty("user.name") + ".sock");
    }

    /** /etc/claude-bridge/config.yaml as root, else $XDG_CONFIG_HOME/claude-bridge/config.yaml (~/.config/...). */
    public static Path configFile() {
        return configFile(root(), System.getenv());
    }

    static Path configFile(boolean root, Map<String, String> env) {
        if (root) {
            return Path.of("/etc/claude-bridge/config.yaml");
        }
        return xdg(env, "XDG_CONFIG_HOME", ".config").resolve("claude-bridge/config.yaml");
    }

    /**
     * $CLAUDE_BRIDGE_AUDIT_LOG when set (absolute), else /var/log/claude-bridge/audit.log as root, else
     * $XDG_STATE_HOME/claude-bridge/audit.log (~/.local/state/...).
     */
    public static Path auditPath() {
        String set = System.getenv("CLAUDE_BRIDGE_AUDIT_LOG");
        if (set != null && Path.of(set).isAbsolute()) {
            return Path.of(set);
        }
        if (root()) {
            return Path.of("/var/log/claude-bridge/audit.log");
        }
        return xdg(System.getenv(), "XDG_STATE_HOME", ".local/state").resolve("claude-bridge/audit.log");
    }

    private static Path xdg(Map<String, String> env, String variable, String fallback) {
        String dir = env.get(variable);
        if (dir != null && !dir.isBlank() && Path.of(dir).isAbsolute()) {
            return Path.of(dir);
        }
        return Path.of(System.getProperty("user.home")).resolve(fallback);
    }

    /** 0660 to rw-rw----. */
    public static Set<PosixFilePermission> permissions(int mode) {
        StringBuilder sb = new StringBuilder();
        String letters = "rwx";
        for (int i = 8; i >= 0; i--) {
            sb.append((mode & (1 << i)) != 0 ? letters.charAt((8 - i) % 3) : '-');
        }
        return PosixFilePermissions.fromString(sb.toString());
    }
}
