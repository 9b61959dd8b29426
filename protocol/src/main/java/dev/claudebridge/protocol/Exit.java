package dev.claudebridge.protocol;

/**
 * An EXIT frame: how the host process ended.
 *
 * <pre>
 * +------+-------------------------------+
 * | kind |  value (int32, big-endian)    |   kind 0: exited with code value
 * +------+-------------------------------+   kind 1: killed by signal number value
 * </pre>
 */
public record Exit(boolean signaled, int value) {
    public static Exit code(int code) {
        return new Exit(false, code);
    }

    public static Exit signal(int signal) {
        return new Exit(true, signal);
    }

    /** The status a shell would report: the exit code, or 128 + the signal number. */
    public int shellStatus() {
        return signaled ? 128 + value : value & 0xff;
    }

    public Frame toFrame() {
        return new Frame(
                FrameType.EXIT,
                new Payload.Writer().u8(signaled ? 1 : 0).u32(value).toByteArray());
    }

    public static Exit fromFrame(Frame frame) {
        Payload.expect(frame, FrameType.EXIT);
        Payload.Reader r = new Payload.Reader(frame.payload());
        int kind = r.u8("exit kind");
        if (kind > 1) {
            throw new CorruptedFrameException("unknown exit kind " + kind);
        }
        return new Exit(kind == 1, r.i32("exit value"));
    }
}
