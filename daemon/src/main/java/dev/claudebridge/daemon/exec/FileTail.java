package dev.claudebridge.daemon.exec;

import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;

/**
 * The output a host process writes into its {@link OutputFile}, as a stream: reads at an offset of its
 * own as the file grows, and ends once no process of the tree holds the file and the last byte is read.
 * There is no event for "a regular file grew", so an empty read waits and reads again: {@link #POLL_MS}
 * while output came within the last second, {@link #IDLE_POLL_MS} after that (measured: 2.5 ms of CPU
 * per second per request polling every 10 ms); the leader's exit wakes it at once.
 *
 * <p>Disk: what has been read is punched out of the file, so the file holds only output not yet read
 * (the reader stops while the caller is slower than the process). When that backlog passes
 * {@link #BACKLOG_LIMIT}, the process group is stopped (SIGSTOP) until it is back under half: the
 * file's counterpart of a full pipe. One {@code output-backlog} thread checks every running tail every
 * {@link #CHECK_MS}, so a process may write what it writes in that time beyond the limit.
 */
final class FileTail extends InputStream {
    static final long POLL_MS = 10;
    static final long IDLE_POLL_MS = 100;
    private static final long IDLE_AFTER_NANOS = 1_000_000_000L;
    static final long CHECK_MS = 50;
    /** Output not yet read that the file may hold before the process is paused. */
    static final long BACKLOG_LIMIT = 16L * 1024 * 1024;
    /** Read output is punched out in steps of at least this much. */
    private static final long FREE_STEP = 1024 * 1024;

    private static final int CHUNK = 32 * 1024;
    private static final Set<FileTail> RUNNING = ConcurrentHashMap.newKeySet();

    static {
        Thread.ofPlatform().daemon().name("output-backlog").start(FileTail::watch);
    }

    private final OutputFile file;
    private final int pgid;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment buf = arena.allocate(CHUNK);
    private final MemorySegment errno = Posix.errnoState(arena);
    private final Object wake = new Object();
    private volatile BooleanSupplier writersGone = () -> false;
    private volatile long offset;
    private long lastData = System.nanoTime();
    private long freed;
    private boolean ending;
    private boolean closed;
    /** Guarded by {@code this}: whether this tail stopped the group, and whether it may. */
    private boolean paused;

    private boolean mayPause = true;

    FileTail(OutputFile file, int pgid) {
        this.file = file;
        this.pgid = pgid;
        RUNNING.add(this);
    }

    /** From now on the stream ends once {@code gone} says no process can write the file any more. */
    void endWhen(BooleanSupplier gone) {
        writersGone = gone;
    }

    /** Makes a waiting read look again now (the leader has exited). */
    void wake() {
        synchronized (wake) {
            wake.notifyAll();
        }
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        while (!closed) {
            int n = file.read(offset, buf.asSlice(0, Math.min(len, CHUNK)), errno);
            if (n > 0) {
                MemorySegment.copy(buf, ValueLayout.JAVA_BYTE, 0, b, off, n);
                offset += n;
                lastData = System.nanoTime();
                freeRead();
                return n;
            }
            if (file.size() < offset) {
                offset = file.size(); // truncated under us: what it writes next is new output
                continue;
            }
            if (ending) {
                return -1;
            }
            if (writersGone.getAsBoolean()) {
                ending = true; // one more read: the last writer may have written just before it closed
                continue;
            }
            synchronized (wake) {
                try {
                    wake.wait(System.nanoTime() - lastData < IDLE_AFTER_NANOS ? POLL_MS : IDLE_POLL_MS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new java.io.InterruptedIOException();
                }
            }
        }
        return -1;
    }

    /** Stops pausing the group, and continues it if this tail had stopped it (the tree is being ended). */
    synchronized void stopPausing() {
        mayPause = false;
        if (paused) {
            paused = false;
            Posix.kill(-pgid, Posix.SIGCONT);
        }
    }

    @Override
    public void close() {
        RUNNING.remove(this);
        stopPausing();
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        file.close();
        arena.close();
    }

    private void freeRead() {
        long upTo = offset & ~4095L;
        if (upTo - freed >= FREE_STEP) {
            file.free(freed, upTo);
            freed = upTo;
        }
    }

    /** Pauses the group when the unread output passes the limit, continues it when it is back under half. */
    private synchronized void checkBacklog() {
        if (closed) {
            return;
        }
        long backlog = file.size() - offset;
        if (!paused && mayPause && backlog > BACKLOG_LIMIT) {
            paused = Posix.kill(-pgid, Posix.SIGSTOP);
        } else if (paused && backlog <= BACKLOG_LIMIT / 2) {
            paused = false;
            Posix.kill(-pgid, Posix.SIGCONT);
        }
    }

    private static void watch() {
        while (true) {
            try {
                Thread.sleep(CHECK_MS);
            } catch (InterruptedException e) {
                return;
            }
            for (FileTail t : RUNNING) {
                try {
                    t.checkBacklog();
                } catch (RuntimeException e) {
                    // closed meanwhile
                }
            }
        }
    }
}
