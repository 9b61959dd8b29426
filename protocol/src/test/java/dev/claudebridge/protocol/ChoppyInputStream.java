package dev.claudebridge.protocol;

import java.io.InputStream;
import java.util.SplittableRandom;

/**
 * Serves fixed bytes in reads of a random length between 1 and {@code maxChunk}, as a socket may, and
 * counts what was consumed so that tests can tell how far a reader got.
 */
final class ChoppyInputStream extends InputStream {
    private final byte[] data;
    private final SplittableRandom random;
    private final int maxChunk;
    private int pos;

    ChoppyInputStream(byte[] data, SplittableRandom random, int maxChunk) {
        this.data = data;
        this.random = random;
        this.maxChunk = maxChunk;
    }

    /** Hands out as much as is asked for. */
    static ChoppyInputStream whole(byte[] data) {
        return new ChoppyInputStream(data, new SplittableRandom(0), Integer.MAX_VALUE);
    }

    @Override
    public int read() {
        return pos < data.length ? data[pos++] & 0xff : -1;
    }

    @Override
    public int read(byte[] b, int off, int len) {
        if (len == 0) {
            return 0;
        }
        if (pos == data.length) {
            return -1;
        }
        int n = Math.min(
                Math.min(len, data.length - pos), maxChunk == Integer.MAX_VALUE ? len : 1 + random.nextInt(maxChunk));
        System.arraycopy(data, pos, b, off, n);
        pos += n;
        return n;
    }

    int consumed() {
        return pos;
    }
}
