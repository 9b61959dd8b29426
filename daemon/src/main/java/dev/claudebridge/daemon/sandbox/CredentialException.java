package dev.claudebridge.daemon.sandbox;

/** The daemon has no usable API credential; the message says where it looked and what to do, never the value. */
public final class CredentialException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public CredentialException(String message) {
        super(message);
    }

    public CredentialException(String message, Throwable cause) {
        super(message, cause);
    }
}
