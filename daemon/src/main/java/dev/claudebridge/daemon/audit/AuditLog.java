package dev.claudebridge.daemon.audit;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * An append-only file of lines, each forced to disk before {@link #append} returns, rotated by size:
 * when a line would take the file past {@code maxSize}, {@code PATH} becomes {@code PATH.1},
 * {@code PATH.1} becomes {@code PATH.2}, and so on up to {@code PATH.keep}; the oldest is deleted. A
 * line that cannot be written whole (a full disk) is cut back off, so the file never holds half a record.
 *
 * <p>Group commit: lines are written under the lock, but forced outside it, and one force covers every
 * line written before it began. Concurrent requests thus share fsyncs (one forcing, the others waiting
 * for it or the next), while each caller still returns only once its own line is on the device. When a
 * force fails, the lines it would have covered, and any written meanwhile, are cut back off and each of
 * their callers gets the error.
 */
public final class AuditLog implements AutoCloseable {
    /** Room held back for end records when the disk fills: a few pages, some twenty records. */
    static final int RESERVE_BYTES = 16 * 1024;

    private final Path path;
    private final Path reserve;
    /** The reserve was given up for end records and could not be taken back yet: starts are refused meanwhile. */
    private boolean reserveSpent;

    private final long maxSize;
    private final int keep;
    private FileChannel channel;
    private long size;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition forced = lock.newCondition();
    /** The lines written since the last force began: the next force's. */
    private Batch batch = new Batch();
    /** The file's size when the last force began that succeeded: where a failed force cuts back to. */
    private long durableSize;
    /** A force is running outside the lock; the channel must not be closed or swapped meanwhile. */
    private boolean forcing;
    /** Forces done, for tests: concurrent appends share them. */
    private long forces;

    /** Lines that one force makes durable; done with {@code failure} null when it succeeded. */
    private static final class Batch {
        int lines;
        boolean done;
        IOException failure;

        void complete(IOException e) {
            done = true;
            failure = e;
        }
    }

    /** How the file is forced to the device: {@code force(false)}, i.e. fdatasync; tests watch it. */
    interface Forcer {
        void force(FileChannel c) throws IOException;
    }

    private final Forcer forcer;

    private AuditLog(Path path, long maxSize, int keep, Forcer forcer) {
        this.forcer = forcer;
        this.path = path;
        this.maxSize = maxSize;
        this.keep = keep;
        this.reserve = path.resolveSibling(path.getFileName() + ".reserve");
    }

    /**
     * Opens (or creates, mode 0640, in a directory created 0750) the log.
     *
     * @throws IOException when it cannot be opened for appending
     */
    public static AuditLog open(Path path, long maxSize, int keep) throws IOException {
        return open(path, maxSize, keep, c -> c.force(false));
    }

    static AuditLog open(Path path, long maxSize, int keep, Forcer forcer) throws IOException {
        Path dir = path.toAbsolutePath().getParent();
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(
                    dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-x---")));
        }
        AuditLog log = new AuditLog(path, maxSize, keep, forcer);
        log.reopen();
        log.reserveSpent = !log.takeReserve();
        return log;
    }

    public Path path() {
        return path;
    }

    /**
     * Appends one line (a newline is added) and forces it to the device.
     *
     * @throws IOException when it could not be written whole; nothing of it remains in the file
     */
    public void append(String line) throws IOException {
        lock.lock();
        try {
            if (reserveSpent) {
                reserveSpent = !takeReserve(); // room again: the reserve is taken back before anything new starts
            }
            if (reserveSpent) { // the ends of what runs, and of what is refused, come first
                throw new IOException(
                        "No space left on device: the audit log's reserve for end records (" + reserve + ") is in use");
            }
            awaitDurable(write(line));
        } finally {
            lock.unlock();
        }
    }

    /**
     * Like {@link #append}, for a record that closes a request ({@code end}): when the disk is full it
     * gives up the reserve and writes into the room that frees.
     */
    public void appendEnd(String line) throws IOException {
        lock.lock();
        try {
            try {
                awaitDurable(write(line));
            } catch (IOException e) {
                if (!Files.deleteIfExists(reserve)) {
                    throw e;
                }
                reserveSpent = true;
                awaitDurable(write(line));
            }
        } finally {
            lock.unlock();
        }
    }

    /** How many forces (fsyncs) of the log there have been. */
    long forces() {
        lock.lock();
        try {
            return forces;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Returns once the lines of {@code b} are on the device: forcing the file (without the lock, so that
     * other lines can be written meanwhile, for the next force) unless another thread's force covers them.
     */
    private void awaitDurable(Batch b) throws IOException {
        while (!b.done) {
            if (forcing) {
                forced.awaitUninterruptibly();
                continue;
            }
            // no force runs and b is not done: b is the open batch
            forcing = true;
            Batch mine = batch;
            batch = new Batch();
            long upToSize = size;
            FileChannel c = channel;
            IOException failed = null;
            lock.unlock();
            try {
                forcer.force(c);
            } catch (IOException e) {
                failed = e;
            } finally {
                lock.lock();
                forcing = false;
                forces++;
            }
            mine.complete(failed);
            if (failed == null) {
                durableSize = upToSize;
            } else {
                cutBack(failed);
            }
            forced.signalAll();
        }
        if (b.failure != null) {
            throw b.failure;
        }
    }

    /**
     * A force failed: the lines written since the last good one are cut back off, those of the batch
     * opened meanwhile too (their writers get {@code e} as well).
     */
    private void cutBack(IOException e) {
        if (batch.lines > 0) {
            batch.complete(e);
            batch = new Batch();
        }
        try {
            channel.truncate(durableSize);
            size = durableSize;
        } catch (IOException again) {
            closeChannel(); // reopened, and measured again, on the next append
        }
    }

    /** Creates the reserve file (zeros, forced to the device); false when there is no room for it. */
    private boolean takeReserve() {
        try (FileChannel c = FileChannel.open(
                reserve,
                Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))) {
            if (c.size() >= RESERVE_BYTES) {
                return true;
            }
            ByteBuffer zeros = ByteBuffer.allocate(RESERVE_BYTES);
            long at = 0;
            while (zeros.hasRemaining()) {
                at += c.write(zeros, at);
            }
            c.force(false);
            return true;
        } catch (IOException e) {
            try {
                Files.deleteIfExists(reserve);
            } catch (IOException again) {
                // nothing more to free
            }
            return false;
        }
    }

    /** Writes a line (not yet forced) and returns the batch whose force makes it durable. */
    private Batch write(String line) throws IOException {
        byte[] bytes = (line + "\n").getBytes(StandardCharsets.UTF_8);
        if (channel == null) {
            reopen(); // a rotation or an earlier failure left it closed
        }
        if (size > 0 && size + bytes.length > maxSize) {
            rotate();
        }
        long before = size;
        try {
            ByteBuffer buf = ByteBuffer.wrap(bytes);
            while (buf.hasRemaining()) {
                channel.write(buf);
            }
            size = before + bytes.length;
            batch.lines++;
            return batch;
        } catch (IOException e) {
            try {
                channel.truncate(before);
                size = before;
            } catch (IOException again) {
                closeChannel(); // reopened, and measured again, on the next append
            }
            throw e;
        }
    }

    /** Waits for a running force to end: the channel may then be closed or replaced. */
    private void awaitNoForce() {
        while (forcing) {
            forced.awaitUninterruptibly();
        }
    }

    private void rotate() throws IOException {
        closeChannel();
        if (keep == 0) {
            Files.deleteIfExists(path);
        } else {
            Files.deleteIfExists(numbered(keep));
            for (int i = keep - 1; i >= 1; i--) {
                if (Files.exists(numbered(i))) {
                    Files.move(numbered(i), numbered(i + 1), StandardCopyOption.REPLACE_EXISTING);
                }
            }
            Files.move(path, numbered(1), StandardCopyOption.REPLACE_EXISTING);
        }
        reopen();
    }

    private Path numbered(int i) {
        return path.resolveSibling(path.getFileName() + "." + i);
    }

    private void reopen() throws IOException {
        Set<StandardOpenOption> options =
                Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        channel = FileChannel.open(
                path, options, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-r-----")));
        size = channel.size();
        durableSize = size; // what a new channel finds was forced when the one before was closed
    }

    /** Closes the channel, after forcing the lines still waiting for a force (or failing their writers). */
    private void closeChannel() {
        awaitNoForce();
        if (channel != null && batch.lines > 0) {
            IOException failed = null;
            try {
                forcer.force(channel);
                forces++;
            } catch (IOException e) {
                failed = e;
            }
            batch.complete(failed);
            batch = new Batch();
            forced.signalAll();
        }
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException e) {
                // the next open reports what is wrong
            }
            channel = null;
        }
    }

    @Override
    public void close() {
        lock.lock();
        try {
            closeChannel();
        } finally {
            lock.unlock();
        }
    }
}
