package dev.claudebridge.daemon.session;

import dev.claudebridge.protocol.Frame;
import java.util.concurrent.ArrayBlockingQueue;

/**
 * Arrays for whole data payloads ({@link Frame#MAX_DATA_PAYLOAD} bytes), handed back after use: a caller
 * streaming stdin sends full frames, and a new array for each made about 120 young collections per GiB,
 * promoted the ones caught in flight, and grew the Serial heap, which then stayed grown. Shared by all
 * requests and bounded: what comes back to a full pool is left to the collector.
 */
final class PayloadPool {
    /** For STDIN frames: taken by the caller-input loop, given back by the stdin writer once written. */
    static final PayloadPool STDIN = new PayloadPool(16);

    private final ArrayBlockingQueue<byte[]> free;

    PayloadPool(int capacity) {
        this.free = new ArrayBlockingQueue<>(capacity);
    }

    /** A free array of a whole payload's length, new when none is free. */
    byte[] take() {
        byte[] a = free.poll();
        return a != null ? a : new byte[Frame.MAX_DATA_PAYLOAD];
    }

    /** Takes back an array nothing refers to any more; other lengths, and any beyond the bound, are dropped. */
    void give(byte[] a) {
        if (a.length == Frame.MAX_DATA_PAYLOAD) {
            free.offer(a);
        }
    }

    /** Arrays waiting to be taken again. */
    int free() {
        return free.size();
    }
}
