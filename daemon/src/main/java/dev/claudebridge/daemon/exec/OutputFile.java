package dev.claudebridge.daemon.exec;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A private regular file that a host process gets as its stdout or stderr when the caller's is a regular
 * file: programs write to a file synchronously and to a pipe asynchronously (Node among them, and some
 * versions of Claude Code exit before asynchronous writes are done). The file has no name (O_TMPFILE,
 * or created and unlinked at once), mode 0600, in a directory only the daemon's user can enter; the
 * daemon reads it back at its own offset and punches out what it has read, so it holds only output
 * the caller has not taken yet.
 */
final class OutputFile implements AutoCloseable {
    /** Where the files are made: the daemon's temp directory, in a subdirectory of mode 0700. */
    static final Path DIRECTORY =
            Path.of(System.getProperty("java.io.tmpdir"), "claude-bridge-output-" + System.getProperty("user.name"));

    private static final int EOPNOTSUPP = 95;
    private static final int EISDIR = 21;
    private static final int EINVAL = 22;

    private final int fd;
    /** What /proc/PID/fd/N reads for a descriptor of this file, in any process. */
    private final String link;

    private OutputFile(int fd) throws IOException {
        this.fd = fd;
        this.link = Files.readSymbolicLink(Path.of("/proc/self/fd/" + fd)).toString();
    }

    /**
     * A new empty file in {@link #DIRECTORY}.
     *
     * @throws IOException when it cannot be made, or its filesystem cannot free a file's start
     *     (FALLOC_FL_PUNCH_HOLE): the caller then gives the process a pipe
     */
    static OutputFile create() throws IOException {
        return create(DIRECTORY);
    }

    static OutputFile create(Path dir) throws IOException {
        privateDirectory(dir);
        byte[] dirPath = dir.toString().getBytes(StandardCharsets.UTF_8);
        int fd = Posix.open(dirPath, Posix.O_TMPFILE | Posix.O_RDWR | Posix.O_CLOEXEC, 0600);
        if (fd == -EOPNOTSUPP || fd == -EISDIR || fd == -EINVAL) {
            // no O_TMPFILE here (an old kernel, or the filesystem): a named file, unlinked at once
            byte[] path = dir.resolve("out-"
                            + Long.toUnsignedString(ThreadLocalRandom.current().nextLong(), 36))
                    .toString()
                    .getBytes(StandardCharsets.UTF_8);
            fd = Posix.open(path, Posix.O_CREAT | Posix.O_EXCL | Posix.O_RDWR | Posix.O_CLOEXEC, 0600);
            if (fd >= 0) {
                Posix.unlink(path);
            }
        }
        if (fd < 0) {
            throw new IOException("cannot create a file in " + dir + ": " + Posix.strerror(-fd));
        }
        int punch = Posix.fallocate(fd, Posix.FALLOC_FL_PUNCH_HOLE | Posix.FALLOC_FL_KEEP_SIZE, 0, 4096);
        if (punch != 0) {
            Posix.close(fd);
            throw new IOException("the filesystem of " + dir + " cannot punch holes (" + Posix.strerror(punch) + ")");
        }
        try {
            return new OutputFile(fd);
        } catch (IOException | RuntimeException e) {
            Posix.close(fd);
            throw e;
        }
    }

    /**
     * A new write-only descriptor of the file for the child (close-on-exec; the spawn duplicates it),
     * at offset 0 like a fresh {@code >out.txt}, with O_APPEND when the caller's was {@code >>}.
     */
    int openForChild(boolean append) {
        int child = Posix.open(
                ("/proc/self/fd/" + fd).getBytes(StandardCharsets.US_ASCII),
                Posix.O_WRONLY | Posix.O_CLOEXEC | (append ? Posix.O_APPEND : 0),
                0);
        if (child < 0) {
            throw new SpawnException("cannot reopen the output file: " + Posix.strerror(-child));
        }
        return child;
    }

    /** Reads at {@code offset} into {@code buf}: the count, 0 at the current end. */
    int read(long offset, MemorySegment buf, MemorySegment errnoState) {
        return Posix.pread(fd, buf, offset, errnoState);
    }

    /** The file's size: the end of what the process has written. */
    long size() {
        return Posix.size(fd);
    }

    /** Gives back the disk blocks of {@code [from, to)}; the size and the process's offset stay. */
    void free(long from, long to) {
        if (to > from) {
            Posix.fallocate(fd, Posix.FALLOC_FL_PUNCH_HOLE | Posix.FALLOC_FL_KEEP_SIZE, from, to - from);
        }
    }

    /** Whether process {@code pid} has a descriptor of this file open. */
    boolean openIn(long pid) {
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(Path.of("/proc", Long.toString(pid), "fd"))) {
            for (Path p : fds) {
                try {
                    if (Files.readSymbolicLink(p).toString().equals(link)) {
                        return true;
                    }
                } catch (IOException e) {
                    // closed meanwhile
                }
            }
        } catch (IOException e) {
            // gone meanwhile
        }
        return false;
    }

    @Override
    public void close() {
        Posix.close(fd);
    }

    /** Creates {@code dir} with mode 0700, or checks that it is a directory of ours that nobody else can enter. */
    private static void privateDirectory(Path dir) throws IOException {
        java.util.Map<String, Object> a;
        try {
            a = Files.readAttributes(dir, "unix:mode,uid", LinkOption.NOFOLLOW_LINKS); // one stat
        } catch (java.nio.file.NoSuchFileException e) {
            try {
                Files.createDirectory(
                        dir,
                        PosixFilePermissions.asFileAttribute(EnumSet.of(
                                PosixFilePermission.OWNER_READ,
                                PosixFilePermission.OWNER_WRITE,
                                PosixFilePermission.OWNER_EXECUTE)));
            } catch (java.nio.file.FileAlreadyExistsException again) {
                // made meanwhile by another request: checked below
            }
            a = Files.readAttributes(dir, "unix:mode,uid", LinkOption.NOFOLLOW_LINKS);
        }
        int mode = (Integer) a.get("mode");
        if ((mode & S_IFMT) != S_IFDIR || (int) a.get("uid") != Uid.EFFECTIVE || (mode & 07777) != 0700) {
            throw new IOException(dir + " is not a directory of mode 0700 owned by the daemon's user");
        }
    }

    private static final int S_IFMT = 0170000;
    private static final int S_IFDIR = 0040000;

    /** The daemon's effective uid, read once (it never changes). */
    private static final class Uid {
        static final int EFFECTIVE = read();

        private static int read() {
            try {
                for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                    if (line.startsWith("Uid:")) {
                        return Integer.parseInt(line.substring(4).trim().split("\\s+")[1]);
                    }
                }
            } catch (IOException e) {
                // below
            }
            return -1; // matches no directory: output files are refused and the caller gets a pipe
        }
    }
}
