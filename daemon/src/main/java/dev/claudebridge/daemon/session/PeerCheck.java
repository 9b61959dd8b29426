package dev.claudebridge.daemon.session;

import java.util.Optional;

/**
 * How a transport finishes telling who its peer is, once the HELLO has been read: a Unix socket knew at
 * accept; a TLS connection knows its client certificate only after its handshake (which the HELLO's
 * first read drives) and checks a bearer token the HELLO carries against the current settings, so a
 * reload revokes a token for the next connection.
 */
@FunctionalInterface
public interface PeerCheck {
    /** Nothing more to learn: the peer as accepted (a Unix socket's; a token is not looked at). */
    PeerCheck ACCEPTED = (accepted, token, settings) -> accepted;

    /**
     * @param accepted the peer as the transport accepted it
     * @param token the HELLO's bearer token, if it carried one
     * @return the peer the session goes on with
     * @throws Refusal when the peer has not proved enough ({@code token_refused}, {@code certificate_refused})
     */
    Peer check(Peer accepted, Optional<String> token, BridgeSettings settings);
}
