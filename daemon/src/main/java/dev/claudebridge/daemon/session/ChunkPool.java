package dev.claudebridge.daemon.session;

import dev.claudebridge.protocol.Frame;
import java.lang.foreign.Arena;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * The output drains' read buffers, shared by all requests and recycled: a drain takes one for each full
 * pipe read and gives it back once it is sent, so steady streaming allocates nothing. Each buffer is
 * off-heap ({@link #CAPACITY} bytes: a frame header's room, then a whole data payload), so a pipe is
 * read into it and a socket written from it with no copy in between, and it never burdens the
 * collector. At most {@link #MAX_IDLE} buffers are kept for the next request; one given back beyond
 * that is freed at once (its own arena is closed), so an idle daemon holds at most a few MiB here.
 */
final class ChunkPool {
    /** A frame header's room in front of a whole data payload. */
    static final int CAPACITY = Frame.HEADER_LENGTH + Frame.MAX_DATA_PAYLOAD;
    /** Buffers kept for later requests: 2 MiB. */
    static final int MAX_IDLE = 32;

    static final ChunkPool SHARED = new ChunkPool(MAX_IDLE);

    private final int maxIdle;
    private final ArrayDeque<ByteBuffer> idle = new ArrayDeque<>();
    /** The arena of every buffer out of the pool or idle in it, to free it when it is not kept. */
    private final Map<ByteBuffer, Arena> arenas = new IdentityHashMap<>();

    private long allocated;

    ChunkPool(int maxIdle) {
        this.maxIdle = maxIdle;
    }

    /** A buffer of {@link #CAPACITY} bytes, cleared; give it back with {@link #give}. */
    synchronized ByteBuffer take() {
        ByteBuffer b = idle.poll();
        if (b == null) {
            Arena arena = Arena.ofShared();
            b = arena.allocate(CAPACITY, 64).asByteBuffer();
            arenas.put(b, arena);
            allocated++;
        }
        return b.clear();
    }

    /** Takes back a buffer of {@link #take}: kept for reuse, or freed when enough are kept. */
    void give(ByteBuffer b) {
        Arena free;
        synchronized (this) {
            if (idle.size() < maxIdle) {
                idle.push(b); // the most recently used first: its pages are the likeliest to be resident
                return;
            }
            free = arenas.remove(b);
        }
        if (free != null) {
            free.close();
        }
    }

    /** How many buffers were ever allocated (a recycled buffer counts once). */
    synchronized long allocated() {
        return allocated;
    }

    /** How many buffers are out or kept: the pool's memory is this many times {@link #CAPACITY}. */
    synchronized int live() {
        return arenas.size();
    }
}
