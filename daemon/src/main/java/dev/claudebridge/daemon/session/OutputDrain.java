package dev.claudebridge.daemon.session;

import dev.claudebridge.protocol.Frame;
import dev.claudebridge.protocol.FrameType;
import dev.claudebridge.protocol.FrameWriter;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Takes the process's output off its pipes as fast as it comes, whatever the caller's speed, and sends
 * it as STDOUT and STDERR frames from one sender thread. Between the two, at most {@link #LIMIT} bytes
 * wait in memory; only beyond that do the readers stop, the pipes fill and the process blocks. A
 * process should never find its output pipe full because the caller is a little slower than it: some
 * programs (Claude Code among them) lose the tail of their output when they exit with writes pending.
 *
 * <p>Output of both streams is sent in the order it was read. The byte counters count what was sent.
 */
final class OutputDrain {
    /** Output that may wait for a slow caller, per request. */
    static final int LIMIT = 4 * 1024 * 1024;
    /** Bytes read from a pipe at once, and the largest payload sent: a data frame's whole limit. */
    static final int CHUNK = Frame.MAX_DATA_PAYLOAD;

    /**
     * {@code length} bytes of {@code data} to send. The queue counts the whole array, so what waits in
     * memory stays within {@link #LIMIT}, however the reads were cut.
     */
    private record Chunk(FrameType type, byte[] data, int length, AtomicLong counter) {}

    private final ArrayDeque<Chunk> queue = new ArrayDeque<>();
    private final FrameWriter writer;
    private final String id;
    private long queued;
    private int readers;
    private boolean failed;
    private final Thread stdoutReader;
    private final Thread stderrReader;
    private final Thread sender;

    OutputDrain(
            String id,
            FrameWriter writer,
            InputStream stdout,
            AtomicLong outCounter,
            InputStream stderr,
            AtomicLong errCounter) {
        this.id = id;
        this.writer = writer;
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
                .start(() -> {
                    byte[] buf = new byte[CHUNK];
                    try (from) {
                        int n;
                        while ((n = from.read(buf)) >= 0) {
                            if (n == 0) {
                                continue;
                            }
                            // a mostly full buffer is handed over as it is (no copy) and a new one taken;
                            // a small read is copied, so that a trickle does not hold 64 KiB per byte
                            Chunk c = n >= CHUNK / 2
                                    ? new Chunk(type, buf, n, counter)
                                    : new Chunk(type, Arrays.copyOf(buf, n), n, counter);
                            if (c.data() == buf) {
                                buf = new byte[CHUNK];
                            }
                            if (!put(c)) {
                                break; // nobody to send to: stop reading (the relay ends the tree)
                            }
                        }
                    } catch (IOException e) {
                        // the pipe broke or was closed under us: nothing more to read
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    } finally {
                        readerDone();
                    }
                });
    }

    /** Queues a chunk, waiting while the queue is at its limit; false once sending has failed. */
    private synchronized boolean put(Chunk c) throws InterruptedException {
        while (!failed && queued > 0 && queued + c.data().length > LIMIT) {
            wait();
        }
        if (failed) {
            return false;
        }
        queue.add(c);
        queued += c.data().length;
        notifyAll();
        return true;
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
        queued -= c.data().length;
        notifyAll();
    }

    private synchronized void fail() {
        failed = true;
        queue.clear();
        queued = 0;
        notifyAll();
    }

    private void send() {
        try {
            Chunk c;
            while ((c = take()) != null) {
                writer.write(c.type(), c.data(), 0, c.length());
                c.counter().addAndGet(c.length());
                sent(c);
            }
        } catch (IOException e) {
            fail(); // the caller is gone (or stopped reading past the write deadline): readers stop, the relay ends the
            // tree
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            fail();
        }
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
