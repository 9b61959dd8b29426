package dev.claudebridge.protocol;

/**
 * A QUEUED frame: the request waits at this 1-based position (uint32) of a queue this long (uint32), and,
 * when starts are held back for more than free slots, why (the rest of the payload, UTF-8; absent or
 * empty otherwise). Readers that predate the reason ignore the trailing bytes.
 */
public record Queued(long position, long length, String reason) {
    /** The longest reason sent, in bytes; a longer one is cut at a character boundary. */
    public static final int MAX_REASON = 1024;

    public Queued {
        if (position < 0 || position > 0xffffffffL || length < 0 || length > 0xffffffffL) {
            throw new IllegalArgumentException("queue position out of range: " + position + " of " + length);
        }
        reason = reason == null ? "" : cut(reason);
    }

    public Queued(long position, long length) {
        this(position, length, "");
    }

    public Frame toFrame() {
        return new Frame(
                FrameType.QUEUED,
                new Payload.Writer()
                        .u32(position)
                        .u32(length)
                        .bytes(Payload.utf8(reason))
                        .toByteArray());
    }

    public static Queued fromFrame(Frame frame) {
        Payload.expect(frame, FrameType.QUEUED);
        Payload.Reader r = new Payload.Reader(frame.payload());
        return new Queued(r.u32("position"), r.u32("queue length"), r.atEnd() ? "" : r.rest("reason"));
    }

    private static String cut(String s) {
        while (Payload.utf8(s).length > MAX_REASON) {
            s = s.substring(0, s.offsetByCodePoints(0, s.codePointCount(0, s.length()) - 1));
        }
        return s;
    }
}
