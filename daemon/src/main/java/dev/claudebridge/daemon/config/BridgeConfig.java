package dev.claudebridge.daemon.config;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * One immutable configuration snapshot: the whole file, with defaults for what it leaves out. A
 * reload builds a new one; nothing here changes after construction.
 *
 * @param source the file it was read from; empty when built from defaults and flags alone
 * @param claude how the host's claude is found and ended
 * @param listeners the agents' sockets, at least one
 * @param profiles what callers may do, by profile name, in file order (peer rules are tried in this order)
 * @param limits global admission limits
 * @param shutdown graceful shutdown
 * @param audit the audit log
 * @param admin the admin endpoints
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

    static final Table<BridgeConfig> TABLE = new Table<>(v -> new BridgeConfig(
            v.get(BridgeConfig.SOURCE),
            v.get(BridgeConfig.CLAUDE),
            v.get(BridgeConfig.LISTENERS),
            v.get(BridgeConfig.PROFILES),
            v.get(BridgeConfig.LIMITS),
            v.get(BridgeConfig.SHUTDOWN),
            v.get(BridgeConfig.AUDIT),
            v.get(BridgeConfig.ADMIN)));

    public static final Setting<BridgeConfig, Optional<Path>> SOURCE =
            TABLE.computed(Optional.empty(), BridgeConfig::source);
    public static final Setting<BridgeConfig, ClaudeConfig> CLAUDE =
            TABLE.section("claude", ClaudeConfig.TABLE, BridgeConfig::claude);

    /** One listener at the default socket path; the loader reads the list. */
    public static final Setting<BridgeConfig, List<ListenerConfig>> LISTENERS =
            TABLE.computed(List.of(ListenerConfig.defaults()), BridgeConfig::listeners);

    /** The default profile, which always exists; the loader reads the others. */
    public static final Setting<BridgeConfig, Map<String, ProfileConfig>> PROFILES =
            TABLE.computed(Map.of(DEFAULT_PROFILE, ProfileConfig.defaults(DEFAULT_PROFILE)), BridgeConfig::profiles);

    public static final Setting<BridgeConfig, LimitsConfig> LIMITS =
            TABLE.section("limits", LimitsConfig.TABLE, BridgeConfig::limits);
    public static final Setting<BridgeConfig, ShutdownConfig> SHUTDOWN =
            TABLE.section("shutdown", ShutdownConfig.TABLE, BridgeConfig::shutdown);
    public static final Setting<BridgeConfig, AuditConfig> AUDIT =
            TABLE.section("audit", AuditConfig.TABLE, BridgeConfig::audit);
    public static final Setting<BridgeConfig, AdminConfig> ADMIN =
            TABLE.section("admin", AdminConfig.TABLE, BridgeConfig::admin);

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

    /** Every default: one listener at the default socket path, one default profile. */
    public static BridgeConfig defaults() {
        return TABLE.defaults();
    }

    public <T> BridgeConfig with(Setting<BridgeConfig, T> s, T value) {
        return s.with(this, value);
    }

    /** With one profile added or replaced. */
    public BridgeConfig withProfile(ProfileConfig p) {
        Map<String, ProfileConfig> m = new LinkedHashMap<>(profiles);
        m.put(p.name(), p);
        return with(PROFILES, m);
    }

    /** With every profile changed alike. */
    public BridgeConfig withEveryProfile(UnaryOperator<ProfileConfig> change) {
        Map<String, ProfileConfig> m = new LinkedHashMap<>();
        profiles.forEach((name, p) -> m.put(name, change.apply(p)));
        return with(PROFILES, m);
    }

    /** The named profile. */
    public Optional<ProfileConfig> profile(String name) {
        return Optional.ofNullable(profiles.get(name));
    }
}
