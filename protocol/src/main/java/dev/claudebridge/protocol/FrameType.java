package dev.claudebridge.protocol;

/** Every frame type of protocol version 1, with its one-byte code on the wire. */
public enum FrameType {
    /** Both directions, first frame: magic and protocol version. */
    HELLO(0x01),
    /** Client to daemon, once, after the handshake: argv, env, cwd, terminal, client name. */
    REQUEST(0x02),
    /** Client to daemon: bytes for the process's standard input. */
    STDIN(0x03),
    /** Client to daemon: standard input is closed. */
    STDIN_EOF(0x04),
    /** Client to daemon: the caller's terminal has a new size. */
    RESIZE(0x05),
    /** Client to daemon: deliver a signal to the process group. */
    SIGNAL(0x06),
    /** Daemon to client: bytes the process wrote to standard output (or to the terminal). */
    STDOUT(0x10),
    /** Daemon to client: bytes the process wrote to standard error. */
    STDERR(0x11),
    /** Daemon to client, last frame: the process ended (exit code or signal). */
    EXIT(0x12),
    /** Daemon to client, last frame: the request was refused or failed (code, exit status, message). */
    ERROR(0x13),
    /** Daemon to client: the request waits in the queue at this position. */
    QUEUED(0x14),
    /** Daemon to client: the process has started; no more queue notices follow. */
    STARTED(0x15),
    /** Daemon to client: the client may send this many more bytes of STDIN (flow control, like SSH's window). */
    STDIN_CREDIT(0x16);

    private static final FrameType[] BY_CODE = new FrameType[256];

    static {
        for (FrameType t : values()) {
            BY_CODE[t.code] = t;
        }
    }

    private final int code;

    FrameType(int code) {
        this.code = code;
    }

    /** The byte that identifies this type on the wire. */
    public int code() {
        return code;
    }

    /**
     * The type for a wire code.
     *
     * @throws CorruptedFrameException if no type of this protocol version has that code
     */
    public static FrameType ofCode(int code) {
        FrameType t = code >= 0 && code < 256 ? BY_CODE[code] : null;
        if (t == null) {
            throw new CorruptedFrameException(String.format("unknown frame type 0x%02x", code));
        }
        return t;
    }
}
