package dev.claudebridge.daemon.config;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A profile's {@code sandbox:}: whether its claude runs inside the host-side sandbox, and what of the
 * host it may see there beyond the defaults (docs/CONFIG.md lists what a sandboxed claude sees).
 * Written {@code on} (or true), {@code off} (or false), or a mapping of its settings, which turns it on.
 *
 * @param enabled whether claude runs sandboxed; a profile that needs it is refused at start when the
 *     host cannot give one, never run unconfined
 * @param readOnly further host paths visible read-only inside (toolchains under /opt, say)
 * @param network the destinations the sandbox may reach through the daemon's network proxy, each
 *     {@code HOST:PORT} in the canonical form {@link NetworkEntry#canonical} gives; empty: none
 */
public record SandboxConfig(boolean enabled, List<Path> readOnly, List<String> network) {
    /** Its keys, as a mapping under {@code sandbox:} gives them. */
    static final Table<SandboxConfig> TABLE = new Table<>(v -> new SandboxConfig(
            v.get(SandboxConfig.ENABLED), v.get(SandboxConfig.READ_ONLY), v.get(SandboxConfig.NETWORK)));

    /** Not a key: a mapping turns the sandbox on. */
    public static final Setting<SandboxConfig, Boolean> ENABLED = TABLE.computed(true, SandboxConfig::enabled);

    public static final Setting<SandboxConfig, List<Path>> READ_ONLY =
            TABLE.list("read-only", List.of(), SandboxConfig::readOnlyPath, SandboxConfig::readOnly);
    public static final Setting<SandboxConfig, List<String>> NETWORK =
            TABLE.list("network", List.of(), NetworkEntry::canonical, SandboxConfig::network);

    public static final SandboxConfig OFF = new SandboxConfig(false, List.of());
    public static final SandboxConfig ON = new SandboxConfig(true, List.of());

    public SandboxConfig {
        readOnly = List.copyOf(readOnly);
        network = network.stream().distinct().toList();
    }

    /** A sandbox that reaches no network but the API. */
    public SandboxConfig(boolean enabled, List<Path> readOnly) {
        this(enabled, readOnly, List.of());
    }

    /**
     * {@code on} or {@code true}, {@code off} or {@code false}: the one-word form of {@code sandbox:}.
     *
     * @throws IllegalArgumentException saying what is expected
     */
    static SandboxConfig parse(String word) {
        return switch (word.trim()) {
            case "true", "on" -> ON;
            case "false", "off" -> OFF;
            default ->
                throw new IllegalArgumentException(
                        "expected on, off, or a mapping of sandbox settings, got '" + word + "'");
        };
    }

    /** As the file would write it. */
    String show() {
        if (!enabled) {
            return "off";
        }
        if (readOnly.isEmpty() && network.isEmpty()) {
            return "on";
        }
        return "{read-only: " + readOnly.stream().map(Path::toString).collect(Collectors.joining(", ", "[", "]"))
                + ", network: " + network.stream().collect(Collectors.joining(", ", "[", "]")) + "}";
    }

    private static Path readOnlyPath(String p) {
        if (!p.startsWith("/") || p.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("expected absolute paths, got '" + p + "'");
        }
        return Path.of(p).normalize();
    }
}
