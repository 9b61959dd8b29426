package dev.claudebridge.daemon.cli;

import dev.claudebridge.daemon.config.AuditConfig;
import dev.claudebridge.daemon.config.BridgeConfig;
import dev.claudebridge.daemon.config.ClaudeConfig;
import dev.claudebridge.daemon.config.ConfigLoader;
import dev.claudebridge.daemon.config.Defaults;
import dev.claudebridge.daemon.config.ListenerConfig;
import dev.claudebridge.daemon.config.PathMapping;
import dev.claudebridge.daemon.config.ProfileConfig;
import dev.claudebridge.daemon.config.Units;
import dev.claudebridge.daemon.policy.ClaudeArguments;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;

/**
 * {@code serve}'s configuration file and the flags that override it. Precedence: a flag, then
 * {@code CLAUDE_BRIDGE_CONFIG} (which names the file), then the file, then the built-in defaults. The
 * flags are kept across reloads: a reload re-reads the file and applies the same flags on top.
 */
final class ConfigOptions {
    static final String CONFIG_ENV = "CLAUDE_BRIDGE_CONFIG";

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
            names = "--socket-mode",
            paramLabel = "MODE",
            description = "File mode of the socket(s), octal. Default: 0660.")
    Optional<String> socketMode = Optional.empty();

    @Option(
            names = "--claude",
            paramLabel = "PATH",
            description = "The host's claude executable (claude.path). Default: PATH, then the usual install places.")
    Optional<Path> claude = Optional.empty();

    @Option(
            names = "--map",
            paramLabel = "CONTAINER=HOST",
            description =
                    "Map a container path prefix to a host directory (repeatable;"
                            + " replaces the default profile's mappings). With none, each request runs in an empty private directory.")
    List<String> maps = new ArrayList<>();

    @Option(
            names = "--allow-env",
            paramLabel = "NAME",
            description = "Also pass this caller variable (repeatable; NAME* for a prefix;"
                    + " replaces the default profile's env-allow). Built-in list: TERM, COLORTERM, LANG, LC_*, TZ, NO_COLOR, FORCE_COLOR and the"
                    + " Agent SDKs' and tuning variables (docs/CONFIG.md).")
    List<String> allowEnv = new ArrayList<>();

    @Option(
            names = "--kill-grace",
            paramLabel = "DURATION",
            converter = DurationConverter.class,
            description =
                    "Time between SIGTERM and SIGKILL when a process tree is ended (claude.kill-grace), e.g. 1s or PT1S. Default: 1s.")
    Optional<Duration> killGrace = Optional.empty();

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
        Optional<Integer> mode = socketMode.map(m -> {
            try {
                return Units.mode(m);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--socket-mode: " + e.getMessage());
            }
        });
        if (socket.isPresent()) {
            c = c.withListeners(List.of(new ListenerConfig(
                    socket.get().toAbsolutePath(),
                    mode.orElse(ListenerConfig.DEFAULT_MODE),
                    Optional.empty(),
                    Optional.empty(),
                    Optional.of(BridgeConfig.DEFAULT_PROFILE))));
        } else if (mode.isPresent()) {
            c = c.withListeners(
                    c.listeners().stream().map(l -> l.withMode(mode.get())).toList());
        }
        if (claude.isPresent() || killGrace.isPresent()) {
            c = c.withClaude(new ClaudeConfig(
                    claude.map(Path::toAbsolutePath).or(() -> file.claude().path()),
                    killGrace.orElse(file.claude().killGrace())));
        }
        ProfileConfig dflt = c.profile(BridgeConfig.DEFAULT_PROFILE).orElseThrow();
        if (!maps.isEmpty()) {
            List<PathMapping> mappings = new ArrayList<>();
            for (String m : maps) {
                try {
                    mappings.add(PathMapping.parse(m));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("--map " + m + ": " + e.getMessage());
                }
            }
            dflt = dflt.withMappings(mappings);
        }
        if (!allowEnv.isEmpty()) {
            dflt = dflt.withEnvAllow(allowEnv);
        }
        c = c.withProfile(dflt);
        if (auditLog.isPresent()) {
            AuditConfig a = c.audit();
            c = c.withAudit(new AuditConfig(
                    auditLog.get().toAbsolutePath(), a.maxSize(), a.keep(), a.failClosed(), a.maxArgLength()));
        }
        return c;
    }

    /** Where the configuration comes from. */
    record Source(Path path, boolean required) {}

    /** 500ms, 5s, 2m, 1h30m, or ISO-8601. */
    static final class DurationConverter implements ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            return Units.duration(value);
        }
    }
}
