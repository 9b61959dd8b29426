package dev.claudebridge.daemon.policy;

import dev.claudebridge.daemon.config.BridgeConfig;
import dev.claudebridge.daemon.config.ListenerConfig;
import dev.claudebridge.daemon.config.ProfileConfig;
import dev.claudebridge.protocol.ErrorCode;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Binds a caller to a profile by how it arrived: first the profiles' peer-credential rules, in file
 * order (the peer's uid, or its primary gid, as SO_PEERCRED reports them); then the profile of the
 * socket it came through. No match: refused.
 */
public final class ProfileBinder {
    private final Map<String, Profile> profiles = new LinkedHashMap<>();
    private final Map<String, ListenerConfig> listeners = new LinkedHashMap<>();
    private final PeerIds ids;

    public ProfileBinder(BridgeConfig config, PeerIds ids) {
        config.profiles().values().forEach(p -> profiles.put(p.name(), Profile.of(p)));
        config.listeners().forEach(l -> listeners.put(l.name(), l));
        this.ids = ids;
    }

    public PeerIds ids() {
        return ids;
    }

    public Optional<Profile> profile(String name) {
        return Optional.ofNullable(profiles.get(name));
    }

    /**
     * The caller's profile, if any.
     *
     * @param listener the name of the listener the caller came through ({@link ListenerConfig#name()})
     * @param user the peer's user (name or uid), "" when unknown
     * @param group the peer's primary group (name or gid), "" when unknown
     */
    public Optional<Profile> find(String listener, String user, String group) {
        for (Profile p : profiles.values()) {
            ProfileConfig.PeerMatch m = p.config().match();
            if (PeerIds.matches(user, m.uids(), ids::uid) || PeerIds.matches(group, m.gids(), ids::gid)) {
                return Optional.of(p);
            }
        }
        return Optional.ofNullable(listeners.get(listener))
                .flatMap(ListenerConfig::profile)
                .map(profiles::get);
    }

    /**
     * @throws Denial ({@code access_denied}) when no profile matches
     */
    public Profile bind(String listener, String user, String group) {
        return find(listener, user, group).orElseThrow(() -> denied(listener, user, group));
    }

    public static Denial denied(String listener, String user, String group) {
        return new Denial(
                ErrorCode.ACCESS_DENIED,
                "profile-binding",
                "no profile of this bridge admits a caller with uid "
                        + (user.isEmpty() ? "(unknown)" : user) + " and gid " + (group.isEmpty() ? "(unknown)" : group)
                        + " on " + listener
                        + "; the operator can add a profile whose match rule names this uid or gid, or give the socket a profile");
    }
}
