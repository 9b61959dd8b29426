package dev.claudebridge.daemon.transport;

/** A listener could not be started; the message says why and what to do. */
public final class ListenerException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ListenerException(String message) {
        super(message);
    }

    public ListenerException(String message, Throwable cause) {
        super(message, cause);
    }
}
