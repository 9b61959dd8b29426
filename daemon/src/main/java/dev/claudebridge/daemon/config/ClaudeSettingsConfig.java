package dev.claudebridge.daemon.config;

import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Which configuration the host's claude loads for a profile's requests ({@code setting-sources},
 * {@code daemon-settings} under {@code profiles.NAME}).
 *
 * @param sources claude's own settings files it may load, in claude's words: {@code user} (the host
 *     user's ~/.claude/settings.json), {@code project} and {@code local} (the workspace's
 *     .claude/settings.json, .claude/settings.local.json, .mcp.json, CLAUDE.md, skills, agents); a
 *     caller's {@code --setting-sources} can only narrow them
 * @param daemonSettings whether the daemon adds its own settings to every run: hooks off, bypass
 *     modes off (unless the profile allows them), the login file and the usual secrets unreadable
 */
public record ClaudeSettingsConfig(List<String> sources, boolean daemonSettings) {
    /** The source names claude's {@code --setting-sources} takes, in its order. */
    public static final List<String> SOURCE_NAMES = List.of("user", "project", "local");

    static final Table<ClaudeSettingsConfig> TABLE = new Table<>(v ->
            new ClaudeSettingsConfig(v.get(ClaudeSettingsConfig.SOURCES), v.get(ClaudeSettingsConfig.DAEMON_SETTINGS)));

    /** The host user's own settings only. */
    public static final Setting<ClaudeSettingsConfig, List<String>> SOURCES =
            TABLE.list("setting-sources", List.of("user"), ClaudeSettingsConfig::source, ClaudeSettingsConfig::sources);

    public static final Setting<ClaudeSettingsConfig, Boolean> DAEMON_SETTINGS =
            TABLE.bool("daemon-settings", true, ClaudeSettingsConfig::daemonSettings);

    public ClaudeSettingsConfig {
        sources = SOURCE_NAMES.stream()
                .filter(Set.copyOf(
                        sources.stream().map(s -> s.toLowerCase(Locale.ROOT)).toList())::contains)
                .toList();
    }

    public static ClaudeSettingsConfig defaults() {
        return TABLE.defaults();
    }

    private static String source(String v) {
        if (!SOURCE_NAMES.contains(v)) {
            throw new IllegalArgumentException("'" + v + "' is not one of claude's setting sources " + SOURCE_NAMES);
        }
        return v;
    }
}
