package dev.claudebridge.protocol;

/**
 * What kind of file one of the caller's standard descriptors is, so the daemon can give the host
 * process the same where it can: {@code /dev/null} stays {@code /dev/null}, a closed descriptor stays
 * closed, a regular file for output stays a regular file (the daemon's, streamed to the caller),
 * everything else becomes a pipe to the caller.
 */
public enum StdioKind {
    /** Not said (an older client), or a kind this version does not name: a pipe. */
    OTHER(0),
    PIPE(1),
    TERMINAL(2),
    /** The null device. */
    NULL(3),
    /** A regular file. */
    FILE(4),
    SOCKET(5),
    /** The descriptor is not open. */
    CLOSED(6),
    /** A regular file open for appending (the shell's {@code >>}); an older daemon reads it as {@link #OTHER}. */
    FILE_APPEND(7);

    private static final StdioKind[] VALUES = values();

    private final int code;

    StdioKind(int code) {
        this.code = code;
    }

    /** The byte that names this kind on the wire. */
    public int code() {
        return code;
    }

    /** The kind for a wire code; a code this version does not know reads as {@link #OTHER}, so later kinds stay compatible. */
    public static StdioKind ofCode(int code) {
        for (StdioKind k : VALUES) {
            if (k.code == code) {
                return k;
            }
        }
        return OTHER;
    }
}
