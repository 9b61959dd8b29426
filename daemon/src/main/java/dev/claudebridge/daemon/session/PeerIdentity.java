package dev.claudebridge.daemon.session;

/**
 * A caller's identity for fairness and ownership, made only of what the kernel says about the
 * connection: the listener, and the container or, outside containers, the user. The client name a
 * caller sends is a label for display and never part of it.
 *
 * @param listener the listener the connection arrived on
 * @param container the peer's container ({@link Peer#container()}), or ""
 * @param user the peer's user when there is no container, else ""; for a network peer what it proved
 *     ({@link Principal#key()}: {@code certificate sha256:…}, {@code token NAME}, {@code address IP})
 */
public record PeerIdentity(String listener, String container, String user) {
    /** As logs and messages show it: {@code LISTENER container=pidns:4026532301} or {@code LISTENER uid=1000}. */
    @Override
    public String toString() {
        if (!container.isEmpty()) {
            return listener + " container=" + container;
        }
        return listener + (user.indexOf(' ') > 0 ? " " + user : " uid=" + (user.isEmpty() ? "?" : user));
    }
}
