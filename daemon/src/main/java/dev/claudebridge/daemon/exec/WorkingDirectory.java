package dev.claudebridge.daemon.exec;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A working directory held open as a descriptor: the process is started in it with fchdir, so what
 * was checked is what is used, however the path is changed meanwhile. {@link #path()} names the
 * directory as the kernel sees it when it was opened (for the audit record).
 */
public final class WorkingDirectory implements AutoCloseable {
    private final int fd;
    private final Path path;
    private boolean closed;

    private WorkingDirectory(int fd) {
        this.fd = fd;
        Path p;
        try {
            p = Files.readSymbolicLink(Path.of("/proc/self/fd/" + fd));
        } catch (IOException e) {
            Posix.close(fd);
            throw new SpawnException("cannot name the working directory: " + e.getMessage());
        }
        this.path = p;
    }

    /**
     * Opens a directory the daemon chose itself (a private scratch directory), following symbolic links.
     *
     * @throws SpawnException when it cannot be opened
     */
    public static WorkingDirectory open(Path dir) {
        int fd = Posix.openDirectory(bytes(dir.toString()));
        if (fd < 0) {
            throw new SpawnException("cannot open the working directory " + dir + ": " + Posix.strerror(-fd));
        }
        return new WorkingDirectory(fd);
    }

    /**
     * Opens {@code relative} beneath {@code root}: a symbolic link on the way may lead elsewhere beneath
     * {@code root}, never out of it, and /proc's magic links are never followed.
     *
     * @param root a directory the operator configured (opened as it is, links and all)
     * @param relative a relative path without {@code ..} components
     * @throws OutsideException when the path leads outside {@code root}, is missing or is not a directory
     */
    public static WorkingDirectory openBeneath(Path root, Path relative) throws OutsideException {
        if (relative.isAbsolute()) {
            throw new IllegalArgumentException("not relative: " + relative);
        }
        int rootFd = Posix.openDirectory(bytes(root.toString()));
        if (rootFd < 0) {
            throw new OutsideException(root + ": " + Posix.strerror(-rootFd));
        }
        try {
            int fd = Posix.openDirectoryBeneath(rootFd, bytes(relative.toString()));
            if (fd == -Posix.EXDEV) {
                fd = viaRealPath(root, relative, rootFd);
            }
            if (fd < 0) {
                String why = switch (-fd) {
                    case Posix.EXDEV -> "it leads outside " + root;
                    case Posix.ELOOP -> "it goes through a symbolic link that may not be followed";
                    default -> Posix.strerror(-fd);
                };
                throw new OutsideException(root.resolve(relative) + ": " + why);
            }
            return new WorkingDirectory(fd);
        } finally {
            Posix.close(rootFd);
        }
    }

    /**
     * An absolute symbolic link always counts as leaving the root for openat2, though it may point back
     * inside: resolve it the ordinary way, and if that lands beneath the root, open the resolved path
     * beneath the root again (so a link swapped in meanwhile still cannot lead out).
     */
    private static int viaRealPath(Path root, Path relative, int rootFd) {
        try {
            Path realRoot = root.toRealPath();
            Path real = root.resolve(relative).toRealPath();
            if (!real.startsWith(realRoot)) {
                return -Posix.EXDEV;
            }
            return Posix.openDirectoryBeneath(
                    rootFd, bytes(realRoot.relativize(real).toString()));
        } catch (IOException e) {
            return -Posix.EXDEV;
        }
    }

    /** The directory as the kernel named it when it was opened. */
    public Path path() {
        return path;
    }

    int fd() {
        return fd;
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            Posix.close(fd);
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** A working directory that cannot be opened where it was checked: outside its root, missing, or not a directory. */
    public static final class OutsideException extends Exception {
        OutsideException(String message) {
            super(message);
        }
    }
}
