package dev.claudebridge.daemon.session;

import dev.claudebridge.daemon.config.BridgeConfig;
import dev.claudebridge.daemon.exec.ClaudeLocator;
import dev.claudebridge.daemon.policy.EnvPolicy;
import dev.claudebridge.daemon.policy.PeerIds;
import dev.claudebridge.daemon.policy.Profile;
import dev.claudebridge.daemon.policy.ProfileBinder;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * The immutable policy snapshot a session runs under: the configuration and the profiles compiled
 * from it. A reload swaps the whole snapshot; a running session keeps the one it started with.
 *
 * @param config the configuration it was built from
 * @param claude finds the host's claude (re-resolved per request, so an update on the host is picked up)
 * @param daemonEnv the environment the host process inherits
 * @param profiles binds callers to their profile (path mappings, env list, argument policy, limits)
 */
public record BridgeSettings(
        BridgeConfig config, ClaudeLocator claude, Map<String, String> daemonEnv, ProfileBinder profiles) {
    public BridgeSettings {
        daemonEnv = Map.copyOf(daemonEnv);
    }

    /**
     * Compiles a configuration; reads the host's users and groups for the peer rules. Host processes
     * inherit {@code daemonEnv} without what ties a claude to the daemon's own parent session
     * ({@link EnvPolicy#inheritable}).
     */
    public static BridgeSettings of(BridgeConfig config, Map<String, String> daemonEnv) {
        Map<String, String> env = EnvPolicy.inheritable(daemonEnv);
        return new BridgeSettings(
                config,
                new ClaudeLocator(config.claude().path(), env),
                env,
                new ProfileBinder(config, PeerIds.system()));
    }

    /** How long a process tree gets between SIGTERM and SIGKILL. */
    public Duration killGrace() {
        return config.claude().killGrace();
    }

    /** The caller's profile, if any profile admits it. */
    public Optional<Profile> profileFor(Peer peer) {
        return switch (peer.principal()) {
            case Principal.UnixUser u -> profiles.find(peer.listener(), u.user(), u.group());
            case Principal.Certificate c -> profiles.findCertificate(peer.listener(), c.subject(), c.fingerprint());
            case Principal.Token t -> profiles.findToken(peer.listener(), t.tokenName());
            case Principal.Address a -> Optional.empty(); // proved nothing: never served
        };
    }

    /** The refusal for a caller no profile admits. */
    static dev.claudebridge.daemon.policy.Denial noProfile(Peer peer) {
        return switch (peer.principal()) {
            case Principal.UnixUser u -> ProfileBinder.denied(peer.listener(), u.user(), u.group());
            case Principal.Certificate c ->
                ProfileBinder.deniedCaller(
                        peer.listener(),
                        "certificate " + c.subject() + " (" + c.fingerprint() + ")",
                        "this certificate's subject or fingerprint");
            case Principal.Token t ->
                ProfileBinder.deniedCaller(peer.listener(), "token " + t.tokenName(), "this token");
            case Principal.Address a -> ProfileBinder.deniedCaller(peer.listener(), "address " + a.address(), "it");
        };
    }
}
