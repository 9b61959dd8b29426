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
 */
public record SandboxConfig(boolean enabled, List<Path> readOnly) {
    public static final SandboxConfig OFF = new SandboxConfig(false, List.of());
    public static final SandboxConfig ON = new SandboxConfig(true, List.of());

    public SandboxConfig {
        readOnly = List.copyOf(readOnly);
    }
}
