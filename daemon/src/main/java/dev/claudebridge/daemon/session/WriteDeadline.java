package dev.claudebridge.daemon.session;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The connection's output with a write deadline: a write (or flush) that the caller does not take
 * within the deadline means the caller has stopped reading, and it counts as gone. The raw stream is
 * then closed under the blocked writer, which fails with an IOException; the relay ends the process
 * tree and the session frees its slot. One watchdog thread checks every connection twice a second.
 *
 * <p>The deadline is the configuration's {@code limits.write-deadline} (zero: none). Once a limit or a
 * shutdown has ended the process, the caller gets only {@link #AFTER_END} to take the rest
 * ({@link #shorten}).
 */
final class WriteDeadline extends OutputStream {
    static final Duration AFTER_END = Duration.ofSeconds(3);
    private static final Set<WriteDeadline> OPEN = ConcurrentHashMap.newKeySet();
    private static final long IDLE = 0;

    static {
        Thread.ofPlatform().daemon().name("write-deadline").start(WriteDeadline::watch);
    }

    private final OutputStream out;
    private final Optional<WritableByteChannel> channel;
    private volatile long deadlineNanos;
    /** When the write in progress began (never {@link #IDLE}), or {@link #IDLE}. */
    private volatile long writingSince = IDLE;

    private volatile boolean expired;
    /** When the deadline was last shortened: a write blocked since before gets the new deadline from then. */
    private volatile long shortenedAt = IDLE;

    /** @param channel the channel {@code out} writes to unchanged, if any: {@link #write(ByteBuffer)} uses it */
    WriteDeadline(OutputStream out, Optional<WritableByteChannel> channel, Duration deadline) {
        this.out = out;
        this.channel = channel;
        this.deadlineNanos = deadline.isZero() ? Long.MAX_VALUE : deadline.toNanos();
        OPEN.add(this);
    }

    /** From now on, a write may take at most {@code d} (never lengthens the deadline). */
    void shorten(Duration d) {
        shortenedAt = System.nanoTime() | 1;
        deadlineNanos = Math.min(deadlineNanos, d.toNanos());
    }

    /** Stops watching this connection (the session is over; the transport closes it). */
    void release() {
        OPEN.remove(this);
    }

    /** Whether the caller was cut off for not reading. */
    boolean expired() {
        return expired;
    }

    Duration deadline() {
        return Duration.ofNanos(deadlineNanos);
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        begin();
        try {
            out.write(b, off, len);
        } finally {
            writingSince = IDLE;
        }
    }

    /** Whether {@link #write(ByteBuffer)} can send a buffer straight to the connection's channel. */
    boolean writesBuffers() {
        return channel.isPresent();
    }

    /**
     * Writes all of {@code b} straight to the connection's channel, under the same deadline: one system
     * call for a direct buffer, and no copy. Whoever calls it keeps frames whole (holds the frame writer).
     */
    void write(ByteBuffer b) throws IOException {
        WritableByteChannel ch = channel.orElseThrow();
        begin();
        try {
            while (b.hasRemaining()) {
                ch.write(b);
            }
        } finally {
            writingSince = IDLE;
        }
    }

    @Override
    public void flush() throws IOException {
        begin();
        try {
            out.flush();
        } finally {
            writingSince = IDLE;
        }
    }

    @Override
    public void close() throws IOException {
        OPEN.remove(this);
        out.close();
    }

    private void begin() throws IOException {
        if (expired) {
            throw new IOException("the caller did not read within the write deadline");
        }
        writingSince = System.nanoTime() | 1;
    }

    private void check(long now) {
        long began = writingSince;
        if (began == IDLE) {
            return;
        }
        long shortened = shortenedAt;
        long since = shortened != IDLE && shortened - began > 0 ? shortened : began;
        if (now - since > deadlineNanos) {
            expired = true;
            OPEN.remove(this);
            SessionEngine.closeQuietly(out); // unblocks the writer with an IOException
        }
    }

    private static void watch() {
        while (true) {
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                return;
            }
            long now = System.nanoTime();
            for (WriteDeadline w : OPEN) {
                w.check(now);
            }
        }
    }
}
