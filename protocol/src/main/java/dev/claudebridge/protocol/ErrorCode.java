package dev.claudebridge.protocol;

/**
 * Every way a bridged call can fail other than the program's own exit, each with the exit status the
 * client ends with. The daemon sends the codes it detects in an ERROR frame; the client detects the
 * others itself. Statuses follow sysexits.h where one fits, and 127 (as a shell) for a missing program.
 * The table in docs/PROTOCOL.md is checked against this enum by a test.
 */
public enum ErrorCode {
    /** The request broke a size limit or carried bytes that cannot be passed on (bad UTF-8, NUL). */
    BAD_REQUEST("bad_request", 64),
    /** The caller's working directory is under no configured path mapping. */
    CWD_NOT_MAPPED("cwd_not_mapped", 65),
    /** The queue is full. */
    QUEUE_FULL("queue_full", 66),
    /** No client profile matches this caller. */
    ACCESS_DENIED("access_denied", 67),
    /** The request waited in the queue longer than allowed. */
    QUEUE_TIMEOUT("queue_timeout", 68),
    /** The client could not reach any bridge (no socket, nothing listening). */
    BRIDGE_UNAVAILABLE("bridge_unavailable", 69),
    /** The daemon failed in a way it did not expect. */
    INTERNAL("internal", 70),
    /** The host process could not be started. */
    SPAWN_FAILED("spawn_failed", 71),
    /** The daemon is shutting down and takes no new requests. */
    SHUTTING_DOWN("shutting_down", 72),
    /** The audit log cannot be written, and the bridge fails closed. */
    AUDIT_UNAVAILABLE("audit_unavailable", 73),
    /** The connection to the bridge was lost before the process ended. */
    CONNECTION_LOST("connection_lost", 74),
    /** The client's rate limit is exhausted; the message says when to retry. */
    RATE_LIMITED("rate_limited", 75),
    /** The peer speaks another protocol version, or is not a claude-bridge peer. */
    PROTOCOL_MISMATCH("protocol_mismatch", 76),
    /** The socket exists but this user may not connect to it. */
    PERMISSION_DENIED("permission_denied", 77),
    /** Policy forbids this argument, subcommand or option. */
    POLICY_DENIED("policy_denied", 78),
    /** A TLS handshake failed over a certificate: the bridge's is not trusted, or the caller's was refused. */
    CERTIFICATE_REFUSED("certificate_refused", 79),
    /** The bridge refused the bearer token (none, unknown, or revoked). */
    TOKEN_REFUSED("token_refused", 80),
    /** Client-side: the bridge's certificate does not name the host the client connected to. */
    HOST_MISMATCH("host_mismatch", 81),
    /** A budget of the caller's profile (tokens or cost, per day) is spent; the message says when it resets. */
    BUDGET_EXHAUSTED("budget_exhausted", 82),
    /** The host has no {@code claude} installed (or the daemon cannot find it). */
    CLAUDE_NOT_FOUND("claude_not_found", 127);

    private final String wireName;
    private final int exitStatus;

    ErrorCode(String wireName, int exitStatus) {
        this.wireName = wireName;
        this.exitStatus = exitStatus;
    }

    /** The machine-readable name carried in ERROR frames. */
    public String wireName() {
        return wireName;
    }

    /** The status the client exits with. */
    public int exitStatus() {
        return exitStatus;
    }

    /** The code for a wire name; unknown names (from a newer daemon) are {@link #INTERNAL}. */
    public static ErrorCode ofWireName(String name) {
        for (ErrorCode c : values()) {
            if (c.wireName.equals(name)) {
                return c;
            }
        }
        return INTERNAL;
    }
}
