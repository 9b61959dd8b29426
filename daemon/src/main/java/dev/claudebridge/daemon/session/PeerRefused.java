package dev.claudebridge.daemon.session;

import dev.claudebridge.protocol.ErrorCode;
import java.io.IOException;

/**
 * A transport's own handshake failed before any frame could pass (a TLS client with a certificate the
 * listener's CA did not sign, a plaintext client on a TLS port, a handshake that never finished): the
 * session records it with its code and says nothing more, as no frame can reach such a peer.
 */
public final class PeerRefused extends IOException {
    private static final long serialVersionUID = 1L;
    private final transient ErrorCode code;

    public PeerRefused(ErrorCode code, String message, Throwable cause) {
        super(message, cause);
        this.code = code;
    }

    public ErrorCode code() {
        return code;
    }
}
