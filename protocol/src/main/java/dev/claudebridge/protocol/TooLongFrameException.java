package dev.claudebridge.protocol;

/** A frame announced a payload longer than the limit for its type. */
public final class TooLongFrameException extends ProtocolException {
    private static final long serialVersionUID = 1L;

    public TooLongFrameException(String message) {
        super(message);
    }
}
