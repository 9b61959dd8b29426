package dev.claudebridge.daemon.admission;

import dev.claudebridge.daemon.session.PeerIdentity;
import dev.claudebridge.daemon.session.SessionInfo;

/**
 * Whose turn it is, for the fair queue and the rate limit: the profile and the caller's identity (the
 * listener and the container, or the uid outside containers). The client name a caller sends is not
 * part of it: a caller that invents names gets no more turns.
 */
record ClientKey(String profile, PeerIdentity identity) {
    static ClientKey of(String profile, SessionInfo session) {
        return new ClientKey(profile, session.peer().identity());
    }

    @Override
    public String toString() {
        return profile + " " + identity;
    }
}
