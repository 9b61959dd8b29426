package dev.claudebridge.daemon.session;

import dev.claudebridge.daemon.exec.ClaudeLocator;
import dev.claudebridge.daemon.policy.EnvPolicy;
import dev.claudebridge.daemon.policy.PathMapper;
import java.time.Duration;
import java.util.Map;

/**
 * The immutable policy snapshot a session runs under. A reload would swap the snapshot; a running
 * session keeps the one it started with.
 *
 * @param claude finds the host's claude (re-resolved per request, so an update on the host is picked up)
 * @param paths container-to-host working-directory mappings
 * @param env which caller variables cross
 * @param daemonEnv the environment the host process inherits
 * @param killGrace how long a process tree gets between SIGTERM and SIGKILL
 */
public record BridgeSettings(ClaudeLocator claude, PathMapper paths, EnvPolicy env, Map<String, String> daemonEnv,
        Duration killGrace) {
    public BridgeSettings {
        daemonEnv = Map.copyOf(daemonEnv);
    }
}
