package dev.claudebridge.daemon.session;

import dev.claudebridge.protocol.Frame;
import dev.claudebridge.protocol.FrameType;
import dev.claudebridge.protocol.FrameWriter;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.ArrayDeque;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Takes the process's output off its pipes as fast as it comes, whatever the caller's speed, and sends
 * it as STDOUT and STDERR frames from one sender thread. Between the two, at most {@link #LIMIT} bytes
 * wait in memory; only beyond that do the readers stop, the pipes fill and the process blocks. A
 * process should never find its output pipe full because the caller is a little slower than it: some
 * programs (Claude Code among them) lose the tail of their output when they exit with writes pending.
 *
 * <p>Output of both streams is sent in the order it was read. The byte counters count what was sent.
 *
 * <p>A pipe is read into a buffer of the shared {@link ChunkPool} (off-heap), behind room for the frame
 * header; the sender writes the header there and, on a Unix socket, sends header and payload in one
 * write straight from that buffer, then hands it back to the readers. So a byte is copied only by the
 * kernel (pipe to buffer, buffer to socket), and steady streaming makes no garbage. The drain keeps
 * the buffers it took (at most what {@link #LIMIT} lets wait, and one per thread) until its three
 * threads are done, then gives them back to the pool. A transport that
 * encodes what it sends (TLS, WebSocket) gets the payload through the {@link FrameWriter} instead.
 */
final class OutputDrain {
    /** Output that may wait for a slow caller, per request. */
    static final int LIMIT = 4 * 1024 * 1024;
    /** Bytes read from a pipe at once, and the largest payload sent: a data frame's whole limit. */
    static final int CHUNK = Frame.MAX_DATA_PAYLOAD;

    private static final int HEADER = Frame.HEADER_LENGTH;

    /**
     * {@code length} bytes to send, at {@link #HEADER} in {@code buffer} (a pooled one, or a small heap
     * one of its own). The queue counts the whole buffer, so what waits in memory stays within
     * {@link #LIMIT}, however the reads were cut.
     */
    private record Chunk(FrameType type, ByteBuffer buffer, int length, AtomicLong counter) {}

    private final ArrayDeque<Chunk> queue = new ArrayDeque<>();
    private final FrameWriter writer;
    private final WriteDeadline output;
    private final ChunkPool pool;
    /** Buffers this drain took and has sent: the readers' next ones. */
    private final ArrayDeque<ByteBuffer> spare = new ArrayDeque<>();
    /** Of the readers and the sender, those still running: the last to end gives the spares back. */
    private int running = 3;

    private final String id;
    private long queued;
    private int readers;
    private boolean failed;
    private final Thread stdoutReader;
    private final Thread stderrReader;
    private final Thread sender;

    /**
     * @param writer the connection's frame writer: its lock keeps frames whole
     * @param output what the writer writes to, which may take a buffer straight ({@link WriteDeadline#write(ByteBuffer)})
     */
    OutputDrain(
            String id,
            FrameWriter writer,
            WriteDeadline output,
            InputStream stdout,
            AtomicLong outCounter,
            InputStream stderr,
            AtomicLong errCounter) {
        this(id, writer, output, ChunkPool.SHARED, stdout, outCounter, stderr, errCounter);
    }

    OutputDrain(
            String id,
            FrameWriter writer,
            WriteDeadline output,
            ChunkPool pool,
            InputStream stdout,
            AtomicLong outCounter,
            InputStream stderr,
            AtomicLong errCounter) {
        this.id = id;
        this.writer = writer;
        this.output = output;
        this.pool = pool;
        this.readers = 2;
        this.stdoutReader = reader(stdout, FrameType.STDOUT, outCounter);
        this.stderrReader = reader(stderr, FrameType.STDERR, errCounter);
        this.sender = Thread.ofPlatform().daemon().name("send-" + id).start(this::send);
    }

    /** Waits up to {@code millis} for both pipes to reach end of file (or break); true when they have. */
    boolean awaitReaders(long millis) {
        return joined(millis, stdoutReader, stderrReader);
    }

    /** Waits up to {@code millis} for everything read to be sent (or for the caller to be found gone). */
    boolean awaitSent(long millis) {
        return joined(millis, sender);
    }

    /** Whether sending failed: the caller is gone or stopped reading. */
    synchronized boolean failed() {
        return failed;
    }

    private Thread reader(InputStream from, FrameType type, AtomicLong counter) {
        return Thread.ofPlatform()
                .daemon()
                .name(type.name().toLowerCase() + "-" + id)
                .start(() -> read(from, type, counter));
    }

    /**
     * Reads {@code from} to its end. A pipe ({@link FileInputStream}) is read through its channel
     * straight into the pooled buffer; any other stream (a terminal, a tapped stream) into an array
     * first. A mostly full buffer is handed over as it is, and so is any buffer while nothing waits to
     * be sent (the sender is idle: it takes the buffer at once and hands it back); a small read behind others is copied
     * out, so that a trickle to a slow caller does not hold 64 KiB per byte.
     */
    private void read(InputStream from, FrameType type, AtomicLong counter) {
        FileChannel channel = from instanceof FileInputStream f ? f.getChannel() : null;
        byte[] array = channel == null ? new byte[CHUNK] : null;
        ByteBuffer buf = buffer();
        try (from) {
            while (true) {
                buf.clear().position(HEADER);
                int n = channel != null ? channel.read(buf) : from.read(array);
                if (n < 0) {
                    break;
                }
                if (n == 0) {
                    continue;
                }
                Chunk c;
                if (n >= CHUNK / 2 || nothingWaits()) {
                    if (array != null) {
                        buf.put(HEADER, array, 0, n);
                    }
                    c = new Chunk(type, buf, n, counter);
                    buf = null;
                } else {
                    ByteBuffer small = ByteBuffer.allocate(HEADER + n);
                    if (array != null) {
                        small.put(HEADER, array, 0, n);
                    } else {
                        small.put(HEADER, buf, HEADER, n);
                    }
                    c = new Chunk(type, small, n, counter);
                }
                if (!put(c)) {
                    recycle(c);
                    break; // nobody to send to: stop reading (the relay ends the tree)
                }
                if (buf == null) {
                    buf = buffer();
                }
            }
        } catch (IOException e) {
            // the pipe broke or was closed under us: nothing more to read
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            if (buf != null) {
                recycle(buf);
            }
            readerDone();
            ended();
        }
    }

    /** A spare buffer, or a new one from the pool. */
    private ByteBuffer buffer() {
        synchronized (spare) {
            ByteBuffer b = spare.poll();
            if (b != null) {
                return b;
            }
        }
        return pool.take();
    }

    /** Takes back a chunk's buffer, if it is one of the pool's. */
    private void recycle(Chunk c) {
        if (c.buffer().isDirect()) {
            recycle(c.buffer());
        }
    }

    private void recycle(ByteBuffer b) {
        synchronized (spare) {
            if (running > 0) {
                spare.push(b);
                return;
            }
        }
        pool.give(b);
    }

    /** One of the three threads is done; the last gives every spare buffer back to the pool. */
    private void ended() {
        ArrayDeque<ByteBuffer> back = new ArrayDeque<>();
        synchronized (spare) {
            if (--running > 0) {
                return;
            }
            back.addAll(spare);
            spare.clear();
        }
        back.forEach(pool::give);
    }

    /** Queues a chunk, waiting while the queue is at its limit; false once sending has failed. */
    private synchronized boolean put(Chunk c) throws InterruptedException {
        while (!failed && queued > 0 && queued + c.buffer().capacity() > LIMIT) {
            wait();
        }
        if (failed) {
            return false;
        }
        queue.add(c);
        queued += c.buffer().capacity();
        notifyAll();
        return true;
    }

    /** Whether nothing is queued or being sent: the sender waits for the next chunk. */
    private synchronized boolean nothingWaits() {
        return queued == 0;
    }

    private synchronized void readerDone() {
        readers--;
        notifyAll();
    }

    /** The next chunk to send, or null when both readers are done and everything has been sent. */
    private synchronized Chunk take() throws InterruptedException {
        while (queue.isEmpty() && readers > 0) {
            wait();
        }
        return queue.poll();
    }

    private synchronized void sent(Chunk c) {
        queued -= c.buffer().capacity();
        notifyAll();
    }

    private synchronized void fail() {
        failed = true;
        for (Chunk c : queue) {
            recycle(c);
        }
        queue.clear();
        queued = 0;
        notifyAll();
    }

    private void send() {
        byte[] copy = null; // for a transport that takes arrays only
        try {
            Chunk c;
            while ((c = take()) != null) {
                try {
                    copy = send(c, copy);
                } finally {
                    recycle(c);
                }
                c.counter().addAndGet(c.length());
                sent(c);
            }
        } catch (IOException e) {
            fail(); // the caller is gone (or stopped reading past the write deadline): readers stop, the relay ends the
            // tree
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            fail();
        } finally {
            ended();
        }
    }

    /** Sends one chunk as a frame; returns the array used for copying out of a direct buffer, if one was needed. */
    private byte[] send(Chunk c, byte[] copy) throws IOException {
        ByteBuffer b = c.buffer();
        int n = c.length();
        if (output.writesBuffers()) {
            b.put(0, (byte) c.type().code()).putInt(1, n).limit(HEADER + n).position(0);
            synchronized (writer) { // the writer's lock keeps frames whole, and its buffer is empty between frames
                output.write(b);
            }
        } else if (b.hasArray()) {
            writer.write(c.type(), b.array(), b.arrayOffset() + HEADER, n);
        } else {
            if (copy == null) {
                copy = new byte[CHUNK];
            }
            b.get(HEADER, copy, 0, n);
            writer.write(c.type(), copy, 0, n);
        }
        return copy;
    }

    private static boolean joined(long millis, Thread... threads) {
        long deadline = System.nanoTime() + millis * 1_000_000;
        try {
            for (Thread t : threads) {
                long left = deadline - System.nanoTime();
                if (left > 0) {
                    t.join(java.time.Duration.ofNanos(left));
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (Thread t : threads) {
            if (t.isAlive()) {
                return false;
            }
        }
        return true;
    }
}
