package dev.claudebridge.daemon.exec;

/** The host process could not be started (or a system call around it failed). */
public final class SpawnException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public SpawnException(String message) {
        super(message);
    }
}
