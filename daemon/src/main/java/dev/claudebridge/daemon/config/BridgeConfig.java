package dev.claudebridge.daemon.config;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One immutable configuration snapshot: the whole file, with defaults for what it leaves out. A
 * reload builds a new one; nothing here changes after construction.
 *
 * @param source the file it was read from; empty when built from defaults and flags alone
 * @param claude how the host's claude is found and ended
 * @param listeners the agents' sockets, at least one
 * @param profiles what callers may do, by profile name, in file order (peer rules are tried in this order)
 * @param limits global admission limits (issue 6)
 * @param shutdown graceful shutdown (issue 6)
 * @param audit the audit log
 * @param admin the admin endpoints (issue 7)
 */
public record BridgeConfig(
        Optional<Path> source,
        ClaudeConfig claude,
        List<ListenerConfig> listeners,
        Map<String, ProfileConfig> profiles,
        LimitsConfig limits,
        ShutdownConfig shutdown,
        AuditConfig audit,
        AdminConfig admin) {
    /** The profile a listener uses when the file names none. */
    public static final String DEFAULT_PROFILE = "default";

    public BridgeConfig {
        listeners = List.copyOf(listeners);
        profiles = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(profiles));
        if (listeners.isEmpty()) {
            throw new IllegalArgumentException("at least one listener is needed");
        }
        for (ListenerConfig l : listeners) {
            if (l.profile().isPresent() && !profiles.containsKey(l.profile().get())) {
                throw new IllegalArgumentException("listener " + l.socket() + " names profile '"
                        + l.profile().get() + "', which is not defined");
            }
        }
    }

    /** Every default: one listener at the default socket path, one permissive-as-documented default profile. */
    public static BridgeConfig defaults() {
        return new BridgeConfig(
                Optional.empty(),
                ClaudeConfig.defaults(),
                List.of(ListenerConfig.defaults()),
                Map.of(DEFAULT_PROFILE, ProfileConfig.defaults(DEFAULT_PROFILE)),
                LimitsConfig.defaults(),
                ShutdownConfig.defaults(),
                AuditConfig.defaults(),
                AdminConfig.defaults());
    }

    public BridgeConfig withSource(Path file) {
        return new BridgeConfig(Optional.of(file), claude, listeners, profiles, limits, shutdown, audit, admin);
    }

    public BridgeConfig withClaude(ClaudeConfig c) {
        return new BridgeConfig(source, c, listeners, profiles, limits, shutdown, audit, admin);
    }

    public BridgeConfig withListeners(List<ListenerConfig> l) {
        return new BridgeConfig(source, claude, l, profiles, limits, shutdown, audit, admin);
    }

    public BridgeConfig withProfile(ProfileConfig p) {
        Map<String, ProfileConfig> m = new LinkedHashMap<>(profiles);
        m.put(p.name(), p);
        return new BridgeConfig(source, claude, listeners, m, limits, shutdown, audit, admin);
    }

    public BridgeConfig withAudit(AuditConfig a) {
        return new BridgeConfig(source, claude, listeners, profiles, limits, shutdown, a, admin);
    }

    /** The named profile. */
    public Optional<ProfileConfig> profile(String name) {
        return Optional.ofNullable(profiles.get(name));
    }
}
