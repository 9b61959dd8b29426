package dev.claudebridge.daemon.exec;

/** What a host process gets as one of its standard descriptors. */
public enum StdioTarget {
    /** What the mode gives: a pipe to the daemon, or the terminal when the process runs on one. */
    DEFAULT,
    /** A pipe to the daemon, also in terminal mode (stderr kept apart from the terminal). */
    PIPE,
    /** The null device. */
    DEV_NULL,
    /** Nothing: the descriptor is closed. */
    CLOSED,
    /**
     * A private regular file (of the daemon, unnamed), read back as it grows; a pipe where the system
     * cannot give one with bounded disk use. Output only, and not beside a terminal.
     */
    FILE,
    /** {@link #FILE}, open with O_APPEND (the caller's {@code >>}). */
    FILE_APPEND
}
