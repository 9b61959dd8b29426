package dev.claudebridge.protocol;

/** A QUEUED frame: the request waits at this 1-based position (uint32) of a queue this long (uint32). */
public record Queued(long position, long length) {
    public Queued {
        if (position < 0 || position > 0xffffffffL || length < 0 || length > 0xffffffffL) {
            throw new IllegalArgumentException("queue position out of range: " + position + " of " + length);
        }
    }

    public Frame toFrame() {
        return new Frame(
                FrameType.QUEUED, new Payload.Writer().u32(position).u32(length).toByteArray());
    }

    public static Queued fromFrame(Frame frame) {
        Payload.expect(frame, FrameType.QUEUED);
        Payload.Reader r = new Payload.Reader(frame.payload());
        return new Queued(r.u32("position"), r.u32("queue length"));
    }
}
