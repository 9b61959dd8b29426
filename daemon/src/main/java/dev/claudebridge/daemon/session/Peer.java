package dev.claudebridge.daemon.session;

/**
 * Who is on the other end of a connection, as far as the transport can tell, taken once when the
 * connection is accepted.
 *
 * @param listener the listener it arrived on (the socket's path for Unix sockets)
 * @param user the peer's user from SO_PEERCRED (a name, or the numeric uid when the host has no such
 *     user, as for most container users), or "" when the transport cannot tell
 * @param group the peer's primary group, likewise
 * @param pid the connecting process as the daemon sees it, or 0 when it is not visible (another PID
 *     namespace the daemon cannot see into, or a transport without credentials)
 * @param container the peer's container: {@code pidns:INODE} (its outermost PID namespace below the
 *     daemon's) or {@code cgroup:PATH}; "" for a process in the daemon's own PID namespace, or when the
 *     pid is not visible
 */
public record Peer(String listener, String user, String group, long pid, String container) {
    /** A peer with no process or container known (tests, and transports without credentials). */
    public Peer(String listener, String user, String group) {
        this(listener, user, group, 0, "");
    }

    /**
     * The identity this peer is counted and owned by: nothing the caller sends goes into it. For a
     * container, the listener and the container (its users share it: root in a container can take any
     * uid); otherwise the listener and the uid.
     */
    public PeerIdentity identity() {
        return container.isEmpty() ? new PeerIdentity(listener, "", user) : new PeerIdentity(listener, container, "");
    }

    @Override
    public String toString() {
        return listener
                + (user.isEmpty() ? "" : " uid=" + user + " gid=" + group)
                + (pid == 0 ? "" : " pid=" + pid)
                + (container.isEmpty() ? "" : " container=" + container);
    }
}
