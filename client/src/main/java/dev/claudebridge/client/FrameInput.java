package dev.claudebridge.client;

import dev.claudebridge.protocol.CorruptedFrameException;
import dev.claudebridge.protocol.Frame;
import dev.claudebridge.protocol.FrameType;
import dev.claudebridge.protocol.TooLongFrameException;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;

/**
 * The daemon's frames, read through one direct buffer that holds several of them: output payloads go
 * from it straight to stdout or stderr ({@link #copyPayload}), without a copy on the Java heap, and one
 * read of the socket serves several frames. Checks what {@code FrameReader} checks (type, per-type
 * limit, a stream cut mid-frame). Not thread-safe: the main thread's.
 */
final class FrameInput {
    /** Four full data frames: a read can take in whatever the socket holds. */
    static final int BUFFER = 4 * (Frame.HEADER_LENGTH + Frame.MAX_DATA_PAYLOAD);

    private final ReadableByteChannel in;
    private final ByteBuffer buf = ByteBuffer.allocateDirect(BUFFER);
    /** Payload bytes of the current frame not yet consumed. */
    private int left;

    FrameInput(ReadableByteChannel in) {
        this.in = in;
        buf.flip(); // empty, in reading mode
    }

    /**
     * Reads the next frame's header; its payload must then be taken with {@link #payload} or {@link
     * #copyPayload}.
     *
     * @return the frame's type, or null when the daemon closed the connection between two frames
     */
    FrameType next() throws IOException {
        if (!fill(1)) {
            return null;
        }
        if (!fill(Frame.HEADER_LENGTH)) {
            throw new CorruptedFrameException("stream ended inside a frame's header", new EOFException());
        }
        FrameType type = FrameType.ofCode(buf.get() & 0xff);
        long length = buf.getInt() & 0xffffffffL;
        if (length > Frame.maxPayload(type)) {
            throw new TooLongFrameException(
                    type + " frame announces " + length + " bytes; the limit is " + Frame.maxPayload(type));
        }
        left = (int) length;
        return type;
    }

    /** The current frame's payload, as a frame of {@code type}. */
    Frame payload(FrameType type) throws IOException {
        byte[] payload = new byte[left];
        int off = 0;
        while (off < payload.length) {
            if (!buf.hasRemaining() && !refill()) {
                throw cut(type);
            }
            int n = Math.min(buf.remaining(), payload.length - off);
            buf.get(payload, off, n);
            off += n;
        }
        left = 0;
        return new Frame(type, payload);
    }

    /**
     * Writes the current frame's payload to {@code out} as it arrives.
     *
     * @throws OutputFailed when writing to {@code out} failed (our reader has gone away)
     */
    void copyPayload(FrameType type, WritableByteChannel out) throws IOException {
        while (left > 0) {
            if (!buf.hasRemaining() && !refill()) {
                throw cut(type);
            }
            int limit = buf.limit();
            int n = Math.min(buf.remaining(), left);
            buf.limit(buf.position() + n);
            try {
                while (buf.hasRemaining()) {
                    out.write(buf);
                }
            } catch (IOException e) {
                throw new OutputFailed(e);
            } finally {
                buf.limit(limit);
            }
            left -= n;
        }
    }

    /** Writing program output to the caller's stdout or stderr failed. */
    static final class OutputFailed extends IOException {
        private static final long serialVersionUID = 1L;

        OutputFailed(IOException cause) {
            super(cause.getMessage(), cause);
        }
    }

    /** Makes at least {@code n} bytes readable; false at end of stream before that. */
    private boolean fill(int n) throws IOException {
        while (buf.remaining() < n) {
            buf.compact();
            if (!readMore()) {
                return false;
            }
        }
        return true;
    }

    /** Reads more into an empty buffer; false at end of stream. */
    private boolean refill() throws IOException {
        buf.clear();
        return readMore();
    }

    /** Reads into the buffer (in writing mode) and turns it back to reading mode; false at end of stream. */
    private boolean readMore() throws IOException {
        int r;
        try {
            r = in.read(buf);
        } finally {
            buf.flip();
        }
        return r >= 0;
    }

    private static CorruptedFrameException cut(FrameType type) {
        return new CorruptedFrameException("stream ended inside a frame's " + type + " payload", new EOFException());
    }
}
