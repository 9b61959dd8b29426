package dev.claudebridge.daemon.policy;

import dev.claudebridge.daemon.config.BridgeConfig;
import dev.claudebridge.daemon.config.ListenerConfig;
import dev.claudebridge.daemon.config.ProfileConfig;
import dev.claudebridge.protocol.ErrorCode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Binds a caller to a profile by how it arrived: first the profiles' identity rules, in file order (a
 * Unix peer's uid or primary gid, as SO_PEERCRED reports them; a TLS peer's certificate; a token's
 * name); then the profile of the listener it came through. No match: refused.
 */
public final class ProfileBinder {
    private final Map<String, Profile> profiles = new LinkedHashMap<>();
    private final Map<String, ListenerConfig> listeners = new LinkedHashMap<>();
    private final Map<String, Tokens> tokens = new LinkedHashMap<>();
    private final PeerIds ids;

    public ProfileBinder(BridgeConfig config, PeerIds ids) {
        config.profiles().values().forEach(p -> profiles.put(p.name(), Profile.of(p)));
        config.listeners().forEach(l -> listeners.put(l.name(), l));
        config.listeners().forEach(l -> tokens.put(l.name(), Tokens.of(l.tls().tokens())));
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

    /** The profile of a caller with a client certificate, if any. */
    public Optional<Profile> findCertificate(String listener, String subject, String fingerprint) {
        return first(m -> m.certificates().contains(subject) || m.certificates().contains(fingerprint), listener);
    }

    /** The profile of a caller with a token of this name, if any. */
    public Optional<Profile> findToken(String listener, String tokenName) {
        return first(m -> m.tokens().contains(tokenName), listener);
    }

    /** The listener's tokens (none for a socket). */
    public Tokens tokens(String listener) {
        return tokens.getOrDefault(listener, Tokens.of(List.of()));
    }

    private Optional<Profile> first(java.util.function.Predicate<ProfileConfig.PeerMatch> rule, String listener) {
        for (Profile p : profiles.values()) {
            if (rule.test(p.config().match())) {
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
        return deniedCaller(
                listener,
                "uid " + (user.isEmpty() ? "(unknown)" : user) + " and gid " + (group.isEmpty() ? "(unknown)" : group),
                "this uid or gid");
    }

    /**
     * @param who the caller as the message names it, e.g. {@code token build-7}
     * @param rule what a match rule would name, e.g. {@code this token}
     */
    public static Denial deniedCaller(String listener, String who, String rule) {
        return new Denial(
                ErrorCode.ACCESS_DENIED,
                "profile-binding",
                "no profile of this bridge admits a caller with " + who + " on " + listener
                        + "; the operator can add a profile whose match rule names " + rule
                        + ", or give the listener a profile");
    }
}
