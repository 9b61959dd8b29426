package dev.claudebridge.daemon.admission;

import dev.claudebridge.daemon.session.SessionInfo;
import dev.claudebridge.protocol.Request;

/**
 * Whose turn it is, for the fair queue: the profile, the peer's user and the client's name. Containers
 * often share a uid (root, or 1000) and a socket, so the client name (the container's hostname by
 * default) is what tells them apart. The name is the caller's own word: a client that invents names
 * gets more turns, but never more than its profile's cap, rate limit and the queue bound allow.
 */
record ClientKey(String profile, String user, String client) {
    static ClientKey of(String profile, SessionInfo session) {
        return new ClientKey(profile, session.peer().user(), session.request().map(Request::clientName).orElse(""));
    }

    @Override
    public String toString() {
        return profile + "/" + (user.isEmpty() ? "?" : user) + "/" + (client.isEmpty() ? "?" : client);
    }
}
