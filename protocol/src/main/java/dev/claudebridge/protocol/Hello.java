package dev.claudebridge.protocol;

import java.util.Arrays;
import java.util.Optional;

/**
 * The first frame each side sends: the magic {@code CBRIDGE}, the protocol version, the sender's
 * software name (for logs and error messages) and, from a client on a network listener only, its
 * bearer token after a NUL byte.
 *
 * <pre>
 * +---+---+---+---+---+---+---+---------+----------------------+------+------------------+
 * | C | B | R | I | D | G | E | version |  software (UTF-8)    | 0x00 |  token (UTF-8)   |
 * +---+---+---+---+---+---+---+---------+----------------------+------+------------------+
 *                                                               (both only with a token)
 * </pre>
 *
 * @param token the caller's bearer token; never shown by {@link #toString()}
 */
public record Hello(int version, String software, Optional<String> token) {
    /** The protocol version this code speaks. */
    public static final int VERSION = 1;

    private static final byte[] MAGIC = {'C', 'B', 'R', 'I', 'D', 'G', 'E'};
    private static final int MAX_SOFTWARE = 256;

    public Hello(int version, String software) {
        this(version, software, Optional.empty());
    }

    public Hello {
        // the token's separator: a software name with a NUL would end early
        software = software.replace('\0', ' ');
        if (token.isPresent() && token.get().indexOf('\0') >= 0) {
            throw new IllegalArgumentException("a token cannot hold a NUL byte");
        }
    }

    public Frame toFrame() {
        String cut = software.codePointCount(0, software.length()) > MAX_SOFTWARE
                ? software.substring(0, software.offsetByCodePoints(0, MAX_SOFTWARE))
                : software;
        Payload.Writer w = new Payload.Writer().bytes(MAGIC).u8(version).bytes(Payload.utf8(cut));
        token.ifPresent(t -> w.u8(0).bytes(Payload.utf8(t)));
        return new Frame(FrameType.HELLO, w.toByteArray());
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
        int start = MAGIC.length + 1;
        int nul = start;
        while (nul < p.length && p[nul] != 0) {
            nul++;
        }
        String software = Payload.utf8(p, start, nul - start, "software name");
        Optional<String> token =
                nul < p.length ? Optional.of(Payload.utf8(p, nul + 1, p.length - nul - 1, "token")) : Optional.empty();
        return new Hello(p[MAGIC.length] & 0xff, software, token);
    }

    /** Without the token: a HELLO may be logged. */
    @Override
    public String toString() {
        return "Hello[version=" + version + ", software=" + software + (token.isPresent() ? ", token=(given)" : "")
                + "]";
    }
}
