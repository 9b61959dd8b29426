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

/**
 * An append-only file of lines, each forced to disk before {@link #append} returns, rotated by size:
 * when a line would take the file past {@code maxSize}, {@code PATH} becomes {@code PATH.1},
 * {@code PATH.1} becomes {@code PATH.2}, and so on up to {@code PATH.keep}; the oldest is deleted. A
 * line that cannot be written whole (a full disk) is cut back off, so the file never holds half a record.
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

    private AuditLog(Path path, long maxSize, int keep) {
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
        Path dir = path.toAbsolutePath().getParent();
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(
                    dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-x---")));
        }
        AuditLog log = new AuditLog(path, maxSize, keep);
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
    public synchronized void append(String line) throws IOException {
        if (reserveSpent) {
            reserveSpent = !takeReserve(); // room again: the reserve is taken back before anything new starts
        }
        if (reserveSpent) { // the ends of what runs, and of what is refused, come first
            throw new IOException(
                    "No space left on device: the audit log's reserve for end records (" + reserve + ") is in use");
        }
        write(line);
    }

    /**
     * Like {@link #append}, for a record that closes a request ({@code end}): when the disk is full it
     * gives up the reserve and writes into the room that frees.
     */
    public synchronized void appendEnd(String line) throws IOException {
        try {
            write(line);
        } catch (IOException e) {
            if (!Files.deleteIfExists(reserve)) {
                throw e;
            }
            reserveSpent = true;
            write(line);
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

    private void write(String line) throws IOException {
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
            channel.force(false);
            size = before + bytes.length;
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
    }

    private void closeChannel() {
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
    public synchronized void close() {
        closeChannel();
    }
}
