package dev.claudebridge.daemon.session;

import dev.claudebridge.protocol.ProtocolException;
import dev.claudebridge.protocol.StdinCredit;
import java.io.IOException;
import java.io.OutputStream;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntConsumer;

/**
 * Feeds the caller's stdin to the process on a thread of its own, so that a process which does not
 * read its input cannot stall the caller's other frames: a SIGNAL still arrives, and a vanished caller
 * is still noticed. The thread starts with the first data: a caller whose input is empty (most calls)
 * costs none, its EOF just closes the process's stdin. The caller may only send what it has credit for ({@link StdinCredit}); each chunk
 * written to the process is credited back, so at most {@link StdinCredit#INITIAL} bytes wait here.
 */
final class StdinWriter {
    private static final byte[] EOF = new byte[0];

    private final BlockingQueue<byte[]> queue = new LinkedBlockingQueue<>();
    private final OutputStream stdin;
    private final IntConsumer credit;
    private final AtomicLong queued = new AtomicLong();
    private volatile boolean open = true;
    private boolean finished;
    /** Started by the first {@link #write}; guarded by this. */
    private Thread thread;

    private final String name;

    /**
     * @param credit called with the byte count of each chunk written to (or dropped by) the process, to
     *     be granted back to the caller
     */
    StdinWriter(OutputStream stdin, String name, IntConsumer credit) {
        this.stdin = stdin;
        this.credit = credit;
        this.name = name;
    }

    /** Waits (up to {@code millis}) for the writer thread to end after {@link #finish} or {@link #abort}. */
    void awaitEnd(long millis) {
        Thread t;
        synchronized (this) {
            t = thread;
        }
        if (t == null) {
            return; // never started: finish or abort closed the stdin themselves
        }
        try {
            t.join(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Queues data for the process. Dropped (but still credited) once the process has closed its stdin.
     *
     * @throws ProtocolException when the caller sent more than its credit
     */
    synchronized void write(byte[] data) {
        if (queued.addAndGet(data.length) > StdinCredit.INITIAL) {
            throw new ProtocolException(
                    "the caller sent more STDIN than its credit of " + StdinCredit.INITIAL + " bytes");
        }
        if (finished) {
            return; // after the EOF: nothing reads it any more
        }
        queue.add(data);
        if (thread == null) {
            thread = Thread.ofPlatform().daemon().name(name).start(this::run);
        }
    }

    /** Closes the process's stdin after what is queued (the caller's EOF). */
    synchronized void finish() throws InterruptedException {
        if (!finished) {
            finished = true;
            if (thread == null) {
                SessionEngine.closeQuietly(stdin); // nothing was written: no thread to wait for
            } else {
                queue.put(EOF);
            }
        }
    }

    /** Drops what is queued and closes the process's stdin (the caller is gone, or the session is over). */
    synchronized void abort() {
        open = false;
        queue.clear();
        if (thread == null) {
            if (!finished) {
                SessionEngine.closeQuietly(stdin);
            }
        } else {
            queue.offer(EOF); // always: clear() may just have dropped the EOF that finish() queued
        }
        finished = true;
    }

    private void run() {
        try {
            while (true) {
                byte[] data = queue.take();
                if (data == EOF) {
                    break;
                }
                if (open) {
                    try {
                        stdin.write(data);
                        stdin.flush();
                    } catch (IOException e) {
                        open = false; // the process closed its stdin; later input is dropped, as a pipe would
                    }
                }
                queued.addAndGet(-data.length);
                credit.accept(data.length);
                PayloadPool.STDIN.give(data); // written (or dropped): nothing holds it any more
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            SessionEngine.closeQuietly(stdin);
        }
    }
}
