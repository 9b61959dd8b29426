package dev.claudebridge.daemon.session;

/**
 * Who is on the other end of a connection, as far as the transport can tell.
 *
 * @param listener the listener it arrived on (the socket's path for Unix sockets)
 * @param user the peer's user from SO_PEERCRED (a name, or the numeric uid when the host has no such
 *     user, as for most container users), or "" when the transport cannot tell
 * @param group the peer's primary group, likewise
 */
public record Peer(String listener, String user, String group) {
    @Override
    public String toString() {
        return listener + (user.isEmpty() ? "" : " uid=" + user + " gid=" + group);
    }
}
