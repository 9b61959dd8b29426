package dev.claudebridge.protocol;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Reads frames from a stream, whatever the read boundaries. Not thread-safe: one reader per connection.
 *
 * <p>A payload's buffer grows as its bytes arrive (from {@link #FIRST_CHUNK}, or what the stream says
 * has already arrived, doubling), never to the size the header announces before the bytes are there:
 * a peer that announces a megabyte and sends nothing costs a few kilobytes, not a megabyte.
 */
public final class FrameReader implements FrameSource {
    /** The payload buffer's first size; data frames (at most 64 KiB) mostly fit at once. */
    static final int FIRST_CHUNK = 16 * 1024;

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
    @Override
    public Optional<Frame> read() throws IOException {
        return read(null);
    }

    /**
     * Like {@link #read()}, but a data frame that announces a whole {@link Frame#MAX_DATA_PAYLOAD} is read
     * into an array from {@code fullPayloads} (when it gives one of that length) instead of a new one: a
     * reader that hands each array back after use streams data without garbage. Only for a peer already
     * admitted to send data: the array is taken before the bytes arrive.
     */
    public Optional<Frame> read(Supplier<byte[]> fullPayloads) throws IOException {
        int first = in.read();
        if (first < 0) {
            return Optional.empty();
        }
        header[0] = (byte) first;
        readFully(header, 1, Frame.HEADER_LENGTH - 1, "header");
        FrameType type = FrameType.ofCode(first);
        long length = ((header[1] & 0xffL) << 24)
                | ((header[2] & 0xff) << 16)
                | ((header[3] & 0xff) << 8)
                | (header[4] & 0xff);
        if (length > Frame.maxPayload(type)) {
            throw new TooLongFrameException(
                    type + " frame announces " + length + " bytes; the limit is " + Frame.maxPayload(type));
        }
        if (fullPayloads != null && length == Frame.MAX_DATA_PAYLOAD && Frame.maxPayload(type) == length) {
            byte[] reused = fullPayloads.get();
            if (reused != null && reused.length == length) {
                readFully(reused, 0, reused.length, type + " payload");
                return Optional.of(new Frame(type, reused));
            }
        }
        return Optional.of(new Frame(type, readPayload((int) length, type + " payload")));
    }

    private byte[] readPayload(int length, String what) throws IOException {
        // what has already arrived is allocated at once (no regrowing copies for a data frame in full
        // flow); only the part still to come starts small
        byte[] payload = new byte[Math.min(length, Math.max(FIRST_CHUNK, arrived()))];
        int filled = 0;
        while (true) {
            readFully(payload, filled, payload.length - filled, what);
            filled = payload.length;
            if (filled == length) {
                return payload;
            }
            payload = Arrays.copyOf(payload, (int) Math.min(length, 2L * filled));
        }
    }

    /** Bytes readable without blocking (buffered, or in the socket), or 0 when the stream cannot tell. */
    private int arrived() {
        try {
            return in.available();
        } catch (IOException e) {
            return 0;
        }
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
