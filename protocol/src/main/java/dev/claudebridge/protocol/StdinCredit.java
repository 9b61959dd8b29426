package dev.claudebridge.protocol;

/**
 * A STDIN_CREDIT frame: the client may send {@code bytes} more bytes of STDIN payload (uint32).
 * Credit keeps stdin from filling the connection, so SIGNAL and RESIZE frames always get through and a
 * vanished peer is always noticed, whatever the process does with its input. The daemon grants
 * {@link #INITIAL} when the process starts and returns credit as it writes the data to the process.
 */
public record StdinCredit(long bytes) {
    /** The credit a daemon grants when the process starts. */
    public static final long INITIAL = 4L * Frame.MAX_DATA_PAYLOAD;

    public StdinCredit {
        if (bytes < 0 || bytes > 0xffffffffL) {
            throw new IllegalArgumentException("credit out of range: " + bytes);
        }
    }

    public Frame toFrame() {
        return new Frame(FrameType.STDIN_CREDIT, new Payload.Writer().u32(bytes).toByteArray());
    }

    public static StdinCredit fromFrame(Frame frame) {
        Payload.expect(frame, FrameType.STDIN_CREDIT);
        return new StdinCredit(new Payload.Reader(frame.payload()).u32("credit"));
    }
}
