package dev.claudebridge.protocol;

/**
 * An ERROR frame: why the request did not run (or stopped), for the client to print and exit on.
 *
 * <pre>
 * +-------------+-------------------+---------------+---------------------+
 * | exit status | code length (u16) | code (ASCII)  |  message (UTF-8)    |
 * +-------------+-------------------+---------------+---------------------+
 * </pre>
 *
 * The exit status travels with the code so that clients in other languages need no table, and a
 * code this client does not know still ends with the status the daemon chose.
 */
public record BridgeError(String code, int exitStatus, String message) {
    public static BridgeError of(ErrorCode code, String message) {
        return new BridgeError(code.wireName(), code.exitStatus(), message);
    }

    public Frame toFrame() {
        byte[] c = Payload.utf8(code);
        return new Frame(
                FrameType.ERROR,
                new Payload.Writer()
                        .u8(exitStatus)
                        .u16(c.length)
                        .bytes(c)
                        .bytes(Payload.utf8(message))
                        .toByteArray());
    }

    public static BridgeError fromFrame(Frame frame) {
        Payload.expect(frame, FrameType.ERROR);
        Payload.Reader r = new Payload.Reader(frame.payload());
        int status = r.u8("exit status");
        String code = r.utf8(r.u16("code length"), "code");
        return new BridgeError(code, status, r.rest("message"));
    }
}
