package dev.claudebridge.protocol;

import java.io.IOException;
import java.io.OutputStream;

/**
 * Writes frames to a stream. Thread-safe: each frame goes out whole, so the stdout and stderr pumps
 * and a signal handler can share one writer. Every frame is flushed, because output must stream. The
 * lock is the writer itself: code that sends a frame to the same stream by other means (a direct
 * buffer's gathering write) holds it too.
 */
public final class FrameWriter {
    private final OutputStream out;
    private final byte[] header = new byte[Frame.HEADER_LENGTH];

    public FrameWriter(OutputStream out) {
        this.out = out;
    }

    public synchronized void write(Frame frame) throws IOException {
        write(frame.type(), frame.payload(), 0, frame.payload().length);
    }

    /** Writes a frame from part of an array, without copying it first (the hot path of the pumps). */
    public synchronized void write(FrameType type, byte[] data, int off, int len) throws IOException {
        if (len > Frame.maxPayload(type)) {
            throw new TooLongFrameException(type + " payload of " + len + " bytes exceeds " + Frame.maxPayload(type));
        }
        header[0] = (byte) type.code();
        header[1] = (byte) (len >>> 24);
        header[2] = (byte) (len >>> 16);
        header[3] = (byte) (len >>> 8);
        header[4] = (byte) len;
        out.write(header);
        out.write(data, off, len);
        out.flush();
    }
}
