package dev.claudebridge.protocol;

/**
 * The signals a client may forward, with their numbers on the wire (the Linux numbers, which are the
 * POSIX ones for these signals on every common system).
 */
public enum Signal {
    HUP(1),
    INT(2),
    QUIT(3),
    KILL(9),
    USR1(10),
    USR2(12),
    TERM(15),
    CONT(18),
    STOP(19),
    TSTP(20),
    WINCH(28);

    private final int number;

    Signal(int number) {
        this.number = number;
    }

    public int number() {
        return number;
    }

    /** A SIGNAL frame: one byte, the signal number. */
    public Frame toFrame() {
        return new Frame(FrameType.SIGNAL, new byte[] {(byte) number});
    }

    /**
     * Decodes a SIGNAL frame.
     *
     * @throws CorruptedFrameException for a number outside this list: a client may not send arbitrary signals
     */
    public static Signal fromFrame(Frame frame) {
        Payload.expect(frame, FrameType.SIGNAL);
        int n = new Payload.Reader(frame.payload()).u8("signal number");
        for (Signal s : values()) {
            if (s.number == n) {
                return s;
            }
        }
        throw new CorruptedFrameException("signal " + n + " may not be forwarded");
    }
}
