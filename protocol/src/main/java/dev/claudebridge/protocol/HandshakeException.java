package dev.claudebridge.protocol;

/**
 * The caller broke the handshake (not a claude-bridge HELLO, another version, a malformed or missing
 * REQUEST): the daemon answers with this code and message in an ERROR frame and closes.
 */
public final class HandshakeException extends ProtocolException {
    private static final long serialVersionUID = 1L;
    private final transient ErrorCode code;

    public HandshakeException(ErrorCode code, String message, Throwable cause) {
        super(message, cause);
        this.code = code;
    }

    /** {@code protocol_mismatch} for the HELLO, {@code bad_request} for the REQUEST. */
    public ErrorCode code() {
        return code;
    }
}
