package dev.claudebridge.daemon.session;

/**
 * Who is on the other end of a connection, as far as the transport can tell, taken once when the
 * connection is accepted (and, for a network peer, once more when it has authenticated).
 *
 * @param listener the listener it arrived on (the socket's path for Unix sockets, {@code tls://HOST:PORT})
 * @param principal what the peer proved: for a Unix peer its user from SO_PEERCRED (a name, or the
 *     numeric uid when the host has no such user, as for most container users) and primary group
 * @param pid the connecting process as the daemon sees it, or 0 when it is not visible (another PID
 *     namespace the daemon cannot see into, or a transport without credentials)
 * @param container the peer's container: {@code pidns:INODE} (its outermost PID namespace below the
 *     daemon's) or {@code cgroup:PATH}; "" for a process in the daemon's own PID namespace, or when the
 *     pid is not visible
 */
public record Peer(String listener, Principal principal, long pid, String container) {
    /** A Unix peer. */
    public Peer(String listener, String user, String group, long pid, String container) {
        this(listener, new Principal.UnixUser(user, group), pid, container);
    }

    /** A Unix peer with no process or container known (tests, and sockets without credentials). */
    public Peer(String listener, String user, String group) {
        this(listener, user, group, 0, "");
    }

    /** A network peer. */
    public Peer(String listener, Principal principal) {
        this(listener, principal, 0, "");
    }

    /** The Unix user, or "" for another kind of peer. */
    public String user() {
        return principal instanceof Principal.UnixUser u ? u.user() : "";
    }

    /** The Unix primary group, or "" for another kind of peer. */
    public String group() {
        return principal instanceof Principal.UnixUser u ? u.group() : "";
    }

    /** The same connection once its peer has proved who it is. */
    public Peer as(Principal proved) {
        return new Peer(listener, proved, pid, container);
    }

    /**
     * The identity this peer is counted and owned by: nothing the caller sends goes into it. For a
     * container, the listener and the container (its users share it: root in a container can take any
     * uid); otherwise the listener and the uid, or the certificate, token or address of a network peer.
     */
    public PeerIdentity identity() {
        return container.isEmpty()
                ? new PeerIdentity(listener, "", principal.key())
                : new PeerIdentity(listener, container, "");
    }

    @Override
    public String toString() {
        String who = switch (principal) {
            case Principal.UnixUser u -> u.user().isEmpty() ? "" : " uid=" + u.user() + " gid=" + u.group();
            case Principal.Certificate c -> " certificate=" + c.fingerprint() + " (" + c.subject() + ")";
            default -> " " + principal.kind() + "=" + principal.name();
        };
        return listener
                + who
                + (pid == 0 ? "" : " pid=" + pid)
                + (container.isEmpty() ? "" : " container=" + container);
    }
}
