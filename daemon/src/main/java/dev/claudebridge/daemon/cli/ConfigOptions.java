package dev.claudebridge.daemon.cli;

import dev.claudebridge.daemon.config.AuditConfig;
import dev.claudebridge.daemon.config.BridgeConfig;
import dev.claudebridge.daemon.config.ClaudeConfig;
import dev.claudebridge.daemon.config.ConfigLoader;
import dev.claudebridge.daemon.config.Defaults;
import dev.claudebridge.daemon.config.ListenerConfig;
import dev.claudebridge.daemon.policy.ClaudeArguments;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * {@code serve}'s configuration file and the flags that override it. Precedence: a flag, then
 * {@code CLAUDE_BRIDGE_CONFIG} (which names the file), then the file, then the built-in defaults. The
 * flags are kept across reloads: a reload re-reads the file and applies the same flags on top.
 */
final class ConfigOptions {
    static final String CONFIG_ENV = "CLAUDE_BRIDGE_CONFIG";

    /** The flags that set one key each; {@code serve} declares them. */
    final SettingFlags flags = new SettingFlags();

    @Option(
            names = "--config",
            paramLabel = "PATH",
            description = "Configuration file (YAML, see docs/CONFIG.md). Default: $"
                    + CONFIG_ENV
                    + ", else /etc/claude-bridge/config.yaml as root, else $XDG_CONFIG_HOME/claude-bridge/config.yaml;"
                    + " a missing default file means the built-in defaults.")
    Optional<Path> config = Optional.empty();

    @Option(
            names = "--socket",
            paramLabel = "PATH",
            description =
                    "Listen on this one socket (profile default) instead of the file's"
                            + " listeners. Default: /var/run/claude-code-bridge.sock as root, else $XDG_RUNTIME_DIR/claude-code-bridge.sock.")
    Optional<Path> socket = Optional.empty();

    @Option(
            names = "--claude",
            paramLabel = "PATH",
            description = "The host's claude executable (claude.path). Default: PATH, then the usual install places.")
    Optional<Path> claude = Optional.empty();

    @Option(
            names = "--audit-log",
            paramLabel = "PATH",
            description =
                    "The audit log (audit.path). Default: $CLAUDE_BRIDGE_AUDIT_LOG, else /var/log/claude-bridge/audit.log"
                            + " as root, else $XDG_STATE_HOME/claude-bridge/audit.log.")
    Optional<Path> auditLog = Optional.empty();

    /** The file to read, and whether it must exist (it must when named by flag or environment). */
    Source source(Map<String, String> env) {
        if (config.isPresent()) {
            return new Source(config.get().toAbsolutePath(), true);
        }
        String fromEnv = env.get(CONFIG_ENV);
        if (fromEnv != null && !fromEnv.isBlank()) {
            return new Source(Path.of(fromEnv).toAbsolutePath(), true);
        }
        return new Source(Defaults.configFile(), false);
    }

    /**
     * Reads the file and applies the flags.
     *
     * @throws dev.claudebridge.daemon.config.ConfigException naming each problem of the file
     * @throws IllegalArgumentException naming a bad flag
     */
    BridgeConfig load(Map<String, String> env) {
        Source s = source(env);
        return apply(ConfigLoader.load(s.path(), s.required(), ClaudeArguments.VOCABULARY));
    }

    BridgeConfig apply(BridgeConfig file) {
        BridgeConfig c = file;
        if (socket.isPresent()) {
            c = c.with(
                    BridgeConfig.LISTENERS,
                    List.of(ListenerConfig.defaults()
                            .with(ListenerConfig.SOCKET, socket.get().toAbsolutePath())));
        }
        if (claude.isPresent()) {
            c = c.with(
                    BridgeConfig.CLAUDE,
                    c.claude().with(ClaudeConfig.PATH, Optional.of(claude.get().toAbsolutePath())));
        }
        if (auditLog.isPresent()) {
            c = c.with(
                    BridgeConfig.AUDIT,
                    c.audit().with(AuditConfig.PATH, auditLog.get().toAbsolutePath()));
        }
        return flags.apply(c);
    }

    /** Where the configuration comes from. */
    record Source(Path path, boolean required) {}
}
