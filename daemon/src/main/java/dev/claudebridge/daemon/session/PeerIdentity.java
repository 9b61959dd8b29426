package dev.claudebridge.daemon.session;

/**
 * A caller's identity for fairness and ownership, made only of what the kernel says about the
 * connection: the listener, and the container or, outside containers, the user. The client name a
 * caller sends is a label for display and never part of it.
 *
 * @param listener the listener the connection arrived on
 * @param container the peer's container ({@link Peer#container()}), or ""
 * @param user the peer's user when there is no container, else ""
 */
public record PeerIdentity(String listener, String container, String user) {
    /** As logs and messages show it: {@code LISTENER container=pidns:4026532301} or {@code LISTENER uid=1000}. */
    @Override
    public String toString() {
        return listener + (container.isEmpty() ? " uid=" + (user.isEmpty() ? "?" : user) : " container=" + container);
    }
}
