package dev.claudebridge.protocol;

/**
 * The kinds of the caller's standard input, output and error (REQUEST's STDIO field).
 *
 * <pre>
 * +-------------+--------------+--------------+
 * | stdin (u8)  | stdout (u8)  | stderr (u8)  |   codes of {@link StdioKind}
 * +-------------+--------------+--------------+
 * </pre>
 */
public record Stdio(StdioKind stdin, StdioKind stdout, StdioKind stderr) {
    /** What a request without a STDIO field means: nothing said, three pipes. */
    public static final Stdio UNSAID = new Stdio(StdioKind.OTHER, StdioKind.OTHER, StdioKind.OTHER);

    static final int LENGTH = 3;

    byte[] encode() {
        return new byte[] {(byte) stdin.code(), (byte) stdout.code(), (byte) stderr.code()};
    }

    /** Reads the first three bytes; later bytes (descriptors a later revision may describe) are ignored. */
    static Stdio decode(byte[] value) {
        if (value.length < LENGTH) {
            throw new CorruptedFrameException("STDIO field of " + value.length + " bytes, expected " + LENGTH);
        }
        return new Stdio(
                StdioKind.ofCode(value[0] & 0xff),
                StdioKind.ofCode(value[1] & 0xff),
                StdioKind.ofCode(value[2] & 0xff));
    }
}
