package dev.claudebridge.protocol;

import java.util.Arrays;

/**
 * One frame: a type and its payload.
 *
 * <pre>
 * +--------+--------+--------+--------+--------+----------------------+
 * |  type  |        length (uint32, big-endian)  |  payload (length B)  |
 * +--------+--------+--------+--------+--------+----------------------+
 * </pre>
 */
public record Frame(FrameType type, byte[] payload) {
    /** Bytes of the header that precedes every payload. */
    public static final int HEADER_LENGTH = 5;
    /** Largest payload of a data frame (STDIN, STDOUT, STDERR). */
    public static final int MAX_DATA_PAYLOAD = 64 * 1024;
    /** Largest payload of any frame (a REQUEST is the only one that may come near it). */
    public static final int MAX_PAYLOAD = 1024 * 1024;

    private static final byte[] EMPTY = new byte[0];

    public Frame {
        if (payload.length > maxPayload(type)) {
            throw new TooLongFrameException(
                    type + " payload of " + payload.length + " bytes exceeds " + maxPayload(type));
        }
    }

    /** A frame with no payload. */
    public static Frame empty(FrameType type) {
        return new Frame(type, EMPTY);
    }

    /** The largest payload a frame of this type may carry. */
    public static int maxPayload(FrameType type) {
        switch (type) {
            case STDIN:
            case STDOUT:
            case STDERR:
                return MAX_DATA_PAYLOAD;
            case REQUEST:
            case ERROR:
                return MAX_PAYLOAD;
            default:
                return 4096;
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Frame && ((Frame) o).type == type && Arrays.equals(((Frame) o).payload, payload);
    }

    @Override
    public int hashCode() {
        return type.hashCode() * 31 + Arrays.hashCode(payload);
    }

    @Override
    public String toString() {
        return "Frame[" + type + ", " + payload.length + " bytes]";
    }
}
