package dev.claudebridge.protocol;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;

/**
 * Reads frames from a stream, whatever the read boundaries. Not thread-safe: one reader per connection.
 */
public final class FrameReader {
    private final InputStream in;
    private final byte[] header = new byte[Frame.HEADER_LENGTH];

    public FrameReader(InputStream in) {
        this.in = in;
    }

    /**
     * The next frame, or empty when the peer closed the stream cleanly between two frames.
     *
     * @throws TooLongFrameException when the header announces more than the type allows; nothing of
     *     the payload is read or buffered
     * @throws CorruptedFrameException on an unknown type or a stream cut mid-frame
     */
    public Optional<Frame> read() throws IOException {
        int first = in.read();
        if (first < 0) {
            return Optional.empty();
        }
        header[0] = (byte) first;
        readFully(header, 1, Frame.HEADER_LENGTH - 1, "header");
        FrameType type = FrameType.ofCode(first);
        long length = ((header[1] & 0xffL) << 24) | ((header[2] & 0xff) << 16) | ((header[3] & 0xff) << 8) | (header[4] & 0xff);
        if (length > Frame.maxPayload(type)) {
            throw new TooLongFrameException(type + " frame announces " + length + " bytes; the limit is " + Frame.maxPayload(type));
        }
        byte[] payload = new byte[(int) length];
        readFully(payload, 0, payload.length, type + " payload");
        return Optional.of(new Frame(type, payload));
    }

    private void readFully(byte[] b, int off, int len, String what) throws IOException {
        while (len > 0) {
            int n = in.read(b, off, len);
            if (n < 0) {
                throw new CorruptedFrameException("stream ended inside a frame's " + what, new EOFException());
            }
            off += n;
            len -= n;
        }
    }
}
