package dev.claudebridge.daemon.config;

import java.nio.file.Path;
import java.util.List;

/**
 * A profile's {@code sandbox:}: whether its claude runs inside the host-side sandbox, and what of the
 * host it may see there beyond the defaults (docs/CONFIG.md lists what a sandboxed claude sees).
 *
 * @param enabled whether claude runs sandboxed; a profile that needs it is refused at start when the
 *     host cannot give one, never run unconfined
 * @param readOnly further host paths visible read-only inside (toolchains under /opt, say)
 * @param network the destinations the sandbox may reach through the daemon's network proxy, each
 *     {@code HOST:PORT} in the canonical form {@link NetworkEntry#canonical} gives; empty: none
 */
public record SandboxConfig(boolean enabled, List<Path> readOnly, List<String> network) {
    public static final SandboxConfig OFF = new SandboxConfig(false, List.of());
    public static final SandboxConfig ON = new SandboxConfig(true, List.of());

    public SandboxConfig {
        readOnly = List.copyOf(readOnly);
        network = List.copyOf(network);
    }

    /** A sandbox that reaches no network but the API. */
    public SandboxConfig(boolean enabled, List<Path> readOnly) {
        this(enabled, readOnly, List.of());
    }
}
