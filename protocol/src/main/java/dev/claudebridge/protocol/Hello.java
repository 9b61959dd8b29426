package dev.claudebridge.protocol;

import java.util.Arrays;

/**
 * The first frame each side sends: the magic {@code CBRIDGE}, the protocol version, and the sender's
 * software name (for logs and error messages).
 *
 * <pre>
 * +---+---+---+---+---+---+---+---------+----------------------+
 * | C | B | R | I | D | G | E | version |  software (UTF-8)    |
 * +---+---+---+---+---+---+---+---------+----------------------+
 * </pre>
 */
public record Hello(int version, String software) {
    /** The protocol version this code speaks. */
    public static final int VERSION = 1;

    private static final byte[] MAGIC = {'C', 'B', 'R', 'I', 'D', 'G', 'E'};
    private static final int MAX_SOFTWARE = 256;

    public Frame toFrame() {
        String cut = software.codePointCount(0, software.length()) > MAX_SOFTWARE
                ? software.substring(0, software.offsetByCodePoints(0, MAX_SOFTWARE))
                : software;
        byte[] name = Payload.utf8(cut);
        return new Frame(
                FrameType.HELLO,
                new Payload.Writer().bytes(MAGIC).u8(version).bytes(name).toByteArray());
    }

    /**
     * Decodes a HELLO.
     *
     * @throws CorruptedFrameException if the frame is not a HELLO or lacks the magic: the peer is not a
     *     claude-bridge peer at all
     */
    public static Hello fromFrame(Frame frame) {
        byte[] p = frame.payload();
        if (frame.type() != FrameType.HELLO
                || p.length < MAGIC.length + 1
                || !Arrays.equals(p, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
            throw new CorruptedFrameException("the peer did not start with a claude-bridge HELLO");
        }
        return new Hello(
                p[MAGIC.length] & 0xff,
                Payload.utf8(p, MAGIC.length + 1, p.length - MAGIC.length - 1, "software name"));
    }
}
