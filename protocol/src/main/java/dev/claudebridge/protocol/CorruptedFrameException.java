package dev.claudebridge.protocol;

/** A frame could not be decoded: unknown type, malformed payload, or a stream cut mid-frame. */
public final class CorruptedFrameException extends ProtocolException {
    private static final long serialVersionUID = 1L;

    public CorruptedFrameException(String message) {
        super(message);
    }

    public CorruptedFrameException(String message, Throwable cause) {
        super(message, cause);
    }
}
