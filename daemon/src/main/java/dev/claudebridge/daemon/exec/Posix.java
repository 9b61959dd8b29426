package dev.claudebridge.daemon.exec;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

/**
 * The few libc calls the JDK's ProcessBuilder cannot make for us: a new session for the child, signals
 * to a process group, and waitpid's full status (ProcessBuilder folds "killed by SIGINT" and "exit 130"
 * together). Linux/glibc 2.34+ (for posix_spawn_file_actions_addclosefrom_np).
 */
final class Posix {
    static final int SIGHUP = 1;
    static final int SIGINT = 2;
    static final int SIGKILL = 9;
    static final int SIGTERM = 15;
    static final int ESRCH = 3;
    static final int EINTR = 4;
    static final int ECHILD = 10;
    static final int O_CLOEXEC = 0x80000;

    // glibc's posix_spawn flags
    private static final short POSIX_SPAWN_SETSIGDEF = 0x04;
    private static final short POSIX_SPAWN_SETSIGMASK = 0x08;
    private static final short POSIX_SPAWN_SETSID = 0x80;
    // generous upper bounds of glibc's opaque types (80, 336 and 128 bytes on x86_64 and aarch64)
    private static final long FILE_ACTIONS_SIZE = 256;
    private static final long SPAWNATTR_SIZE = 512;
    private static final long SIGSET_SIZE = 128;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final SymbolLookup LIBC = LINKER.defaultLookup();
    private static final StructLayout CAPTURE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO =
            CAPTURE.varHandle(java.lang.foreign.MemoryLayout.PathElement.groupElement("errno"));
    private static final Linker.Option CAPTURE_ERRNO = Linker.Option.captureCallState("errno");

    private static final MethodHandle SPAWN =
            fn("posix_spawn", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS));
    private static final MethodHandle FA_INIT =
            fn("posix_spawn_file_actions_init", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    private static final MethodHandle FA_DESTROY =
            fn("posix_spawn_file_actions_destroy", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    private static final MethodHandle FA_DUP2 =
            fn("posix_spawn_file_actions_adddup2", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT));
    private static final MethodHandle FA_CHDIR =
            fn("posix_spawn_file_actions_addchdir_np", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
    private static final MethodHandle FA_FCHDIR =
            fn("posix_spawn_file_actions_addfchdir_np", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle SYSCALL_OPENAT2 = fn(
            "syscall",
            FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, ADDRESS, ADDRESS, JAVA_LONG),
            CAPTURE_ERRNO,
            Linker.Option.firstVariadicArg(1));
    private static final MethodHandle OPENAT = fn(
            "openat",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT),
            CAPTURE_ERRNO,
            Linker.Option.firstVariadicArg(3));
    private static final MethodHandle FA_CLOSEFROM =
            fn("posix_spawn_file_actions_addclosefrom_np", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle ATTR_INIT = fn("posix_spawnattr_init", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    private static final MethodHandle ATTR_DESTROY =
            fn("posix_spawnattr_destroy", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    private static final MethodHandle ATTR_FLAGS =
            fn("posix_spawnattr_setflags", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_SHORT));
    private static final MethodHandle ATTR_SIGMASK =
            fn("posix_spawnattr_setsigmask", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
    private static final MethodHandle ATTR_SIGDEF =
            fn("posix_spawnattr_setsigdefault", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
    private static final MethodHandle SIGEMPTYSET = fn("sigemptyset", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    private static final MethodHandle SIGFILLSET = fn("sigfillset", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    private static final MethodHandle PIPE2 =
            fn("pipe2", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT), CAPTURE_ERRNO);
    private static final MethodHandle CLOSE = fn("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final MethodHandle KILL =
            fn("kill", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT), CAPTURE_ERRNO);
    private static final MethodHandle WAITPID =
            fn("waitpid", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT), CAPTURE_ERRNO);
    private static final MethodHandle STRERROR = fn("strerror", FunctionDescriptor.of(ADDRESS, JAVA_INT));
    private static final MethodHandle FA_OPEN = fn(
            "posix_spawn_file_actions_addopen",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT));
    private static final MethodHandle OPENPT =
            fn("posix_openpt", FunctionDescriptor.of(JAVA_INT, JAVA_INT), CAPTURE_ERRNO);
    private static final MethodHandle GRANTPT = fn("grantpt", FunctionDescriptor.of(JAVA_INT, JAVA_INT), CAPTURE_ERRNO);
    private static final MethodHandle UNLOCKPT =
            fn("unlockpt", FunctionDescriptor.of(JAVA_INT, JAVA_INT), CAPTURE_ERRNO);
    private static final MethodHandle PTSNAME_R =
            fn("ptsname_r", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_LONG));
    private static final MethodHandle IOCTL_PTR = fn(
            "ioctl",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, ADDRESS),
            CAPTURE_ERRNO,
            Linker.Option.firstVariadicArg(2));
    private static final MethodHandle FA_CLOSE =
            fn("posix_spawn_file_actions_addclose", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle FCNTL_INT = fn(
            "fcntl",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT),
            CAPTURE_ERRNO,
            Linker.Option.firstVariadicArg(2));
    private static final int F_SETPIPE_SZ = 1031;
    static final int O_WRONLY = 1;
    private static final byte[] DEV_NULL_PATH = "/dev/null".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    /** In a child's descriptor table ({@link #spawn(byte[][], byte[][], byte[], int[])}): open /dev/null here. */
    static final int CHILD_DEV_NULL = -1;
    /** In a child's descriptor table: leave this descriptor closed. */
    static final int CHILD_CLOSED = -2;
    /** In a child's descriptor table: the terminal (with {@link #spawnOnTerminal(byte[][], byte[][], byte[], byte[], int)}). */
    static final int CHILD_TERMINAL = -3;

    private static final MethodHandle READ =
            fn("read", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG), CAPTURE_ERRNO);
    private static final MethodHandle WRITE =
            fn("write", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG), CAPTURE_ERRNO);
    static final int O_RDWR = 2;
    static final int O_NOCTTY = 0x100;
    static final int EIO = 5;
    static final int EAGAIN = 11;
    private static final long TIOCSWINSZ = 0x5414;
    static final int ENOENT = 2;
    static final int ENOSYS = 38;
    static final int EXDEV = 18;
    static final int ELOOP = 40;
    static final int ENOTDIR = 20;
    static final int AT_FDCWD = -100;
    static final int O_PATH = 0x200000;
    // O_DIRECTORY and O_NOFOLLOW differ between x86_64 and the generic (aarch64) numbering
    private static final boolean GENERIC_FLAGS = System.getProperty("os.arch").equals("aarch64");
    static final int O_DIRECTORY = GENERIC_FLAGS ? 0x4000 : 0x10000;
    static final int O_NOFOLLOW = GENERIC_FLAGS ? 0x8000 : 0x20000;
    private static final long SYS_OPENAT2 = 437; // the same number on x86_64 and aarch64
    static final long RESOLVE_NO_MAGICLINKS = 0x02;
    static final long RESOLVE_BENEATH = 0x08;

    // regular files a host process writes as its stdout or stderr (OutputFile)
    private static final MethodHandle OPEN = fn(
            "open",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT),
            CAPTURE_ERRNO,
            Linker.Option.firstVariadicArg(2));
    private static final MethodHandle UNLINK = fn("unlink", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    private static final MethodHandle PREAD =
            fn("pread", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_LONG), CAPTURE_ERRNO);
    private static final MethodHandle LSEEK =
            fn("lseek", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_INT), CAPTURE_ERRNO);
    private static final MethodHandle FALLOCATE =
            fn("fallocate", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_LONG), CAPTURE_ERRNO);
    static final int O_CREAT = 0x40;
    static final int O_EXCL = 0x80;
    static final int O_APPEND = 0x400;
    /** O_TMPFILE: an unnamed file in the directory given (__O_TMPFILE with O_DIRECTORY, whose number differs). */
    static final int O_TMPFILE = 0x400000 | O_DIRECTORY;

    static final int FALLOC_FL_KEEP_SIZE = 1;
    static final int FALLOC_FL_PUNCH_HOLE = 2;
    static final int SIGCONT = 18;
    static final int SIGSTOP = 19;
    private static final int SEEK_END = 2;

    private Posix() {}

    private static MethodHandle fn(String name, FunctionDescriptor d, Linker.Option... options) {
        MemorySegment sym = LIBC.find(name)
                .orElseThrow(() -> new UnsupportedOperationException(
                        "libc has no " + name + ": claude-bridge needs Linux with glibc 2.34 or newer"));
        return LINKER.downcallHandle(sym, d, options);
    }

    /** A pipe whose both ends are close-on-exec: {@code [read, write]}. */
    static int[] pipe() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment fds = a.allocate(JAVA_INT, 2);
            MemorySegment state = a.allocate(CAPTURE);
            int r = (int) PIPE2.invokeExact(state, fds, O_CLOEXEC);
            if (r != 0) {
                throw new SpawnException("pipe2: " + strerror(errno(state)));
            }
            return new int[] {fds.getAtIndex(JAVA_INT, 0), fds.getAtIndex(JAVA_INT, 1)};
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static void close(int fd) {
        try {
            int ignored = (int) CLOSE.invokeExact(fd);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * Starts {@code argv[0]} (an absolute path) as the leader of a new session and process group, with
     * default signal dispositions and an empty signal mask, the given descriptors as 0, 1 and 2, and every
     * other descriptor closed.
     *
     * @return the child's pid
     * @throws SpawnException with strerror's text when the program cannot be started
     */
    static int spawn(byte[][] argv, byte[][] envp, byte[] cwd, int stdin, int stdout, int stderr) {
        return spawn(argv, envp, cwd, (a, fa) -> {
            check((int) FA_DUP2.invokeExact(fa, stdin, 0), "adddup2");
            check((int) FA_DUP2.invokeExact(fa, stdout, 1), "adddup2");
            check((int) FA_DUP2.invokeExact(fa, stderr, 2), "adddup2");
        });
    }

    /**
     * Like {@link #spawn(byte[][], byte[][], byte[], int, int, int)}, with each of descriptors 0, 1 and 2
     * given by {@code stdio}: a descriptor of ours to duplicate, {@link #CHILD_DEV_NULL} or {@link #CHILD_CLOSED}.
     */
    static int spawn(byte[][] argv, byte[][] envp, byte[] cwd, int[] stdio) {
        return spawn(argv, envp, cwd, (a, fa) -> {
            for (int fd = 0; fd < 3; fd++) {
                childFd(a, fa, fd, stdio[fd]);
            }
        });
    }

    private static void childFd(Arena a, MemorySegment fa, int fd, int source) throws Throwable {
        if (source == CHILD_DEV_NULL) {
            check((int) FA_OPEN.invokeExact(fa, fd, cString(a, DEV_NULL_PATH), fd == 0 ? 0 : O_WRONLY, 0), "addopen");
        } else if (source == CHILD_CLOSED) {
            check((int) FA_CLOSE.invokeExact(fa, fd), "addclose");
        } else {
            check((int) FA_DUP2.invokeExact(fa, source, fd), "adddup2");
        }
    }

    /**
     * {@link #spawnOnTerminal(byte[][], byte[][], byte[], byte[])} with descriptor 2 given by {@code stderr}:
     * {@link #CHILD_TERMINAL}, a descriptor of ours, {@link #CHILD_DEV_NULL} or {@link #CHILD_CLOSED}.
     */
    static int spawnOnTerminal(byte[][] argv, byte[][] envp, byte[] cwd, byte[] ttyPath, int stderr) {
        return spawn(argv, envp, cwd, (a, fa) -> {
            check((int) FA_OPEN.invokeExact(fa, 0, cString(a, ttyPath), O_RDWR, 0), "addopen");
            check((int) FA_DUP2.invokeExact(fa, 0, 1), "adddup2");
            childFd(a, fa, 2, stderr == CHILD_TERMINAL ? 0 : stderr);
        });
    }

    /**
     * Asks for a pipe buffer of {@code bytes} (F_SETPIPE_SZ); returns the size granted, or -1 when the
     * system refuses (over /proc/sys/fs/pipe-max-size or the user's pipe quota): the pipe keeps its size.
     */
    static int setPipeSize(int fd, int bytes) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment state = a.allocate(CAPTURE);
            return (int) FCNTL_INT.invokeExact(state, fd, F_SETPIPE_SZ, bytes);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * Like {@link #spawn(byte[][], byte[][], byte[], int, int, int)}, with the terminal at {@code ttyPath} as
     * descriptors 0, 1 and 2. Opened after setsid and without O_NOCTTY, it becomes the child's
     * controlling terminal, so the line discipline turns a typed Ctrl-C into SIGINT for its foreground group.
     */
    static int spawnOnTerminal(byte[][] argv, byte[][] envp, byte[] cwd, byte[] ttyPath) {
        return spawn(argv, envp, cwd, (a, fa) -> {
            check((int) FA_OPEN.invokeExact(fa, 0, cString(a, ttyPath), O_RDWR, 0), "addopen");
            check((int) FA_DUP2.invokeExact(fa, 0, 1), "adddup2");
            check((int) FA_DUP2.invokeExact(fa, 0, 2), "adddup2");
        });
    }

    /** Adds the descriptor set-up of a spawn to its file actions. */
    private interface Stdio {
        void add(Arena a, MemorySegment fileActions) throws Throwable;
    }

    /**
     * Opens {@code relative} beneath the directory {@code root} as an O_PATH directory descriptor
     * (close-on-exec): symbolic links are followed only while they stay beneath {@code root}, magic links
     * (/proc/PID/...) never. Uses openat2 (Linux 5.6+); where it is missing, walks the path one
     * component at a time with O_NOFOLLOW, so that any symbolic link is refused.
     *
     * @return the descriptor, or {@code -errno} (EXDEV: it leads outside; ELOOP: a link that may not be followed)
     */
    static int openDirectoryBeneath(int root, byte[] relative) {
        int flags = O_PATH | O_DIRECTORY | O_CLOEXEC;
        try (Arena a = Arena.ofConfined()) {
            MemorySegment how = a.allocate(24, 8); // struct open_how { u64 flags, mode, resolve }
            how.set(JAVA_LONG, 0, flags);
            how.set(JAVA_LONG, 8, 0L);
            how.set(JAVA_LONG, 16, RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS);
            MemorySegment state = a.allocate(CAPTURE);
            MemorySegment path = cString(a, relative.length == 0 ? new byte[] {'.'} : relative);
            for (int attempt = 0; attempt < 16; attempt++) {
                long fd = (long) SYSCALL_OPENAT2.invokeExact(state, SYS_OPENAT2, (long) root, path, how, 24L);
                if (fd >= 0) {
                    return (int) fd;
                }
                int e = errno(state);
                if (e == ENOSYS) {
                    return openDirectoryNoFollow(root, relative);
                }
                if (e != EAGAIN && e != EINTR) { // EAGAIN: a concurrent rename, the kernel asks to retry
                    return -e;
                }
            }
            return -EAGAIN;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** One component at a time, refusing every symbolic link: the fallback for kernels without openat2. */
    private static int openDirectoryNoFollow(int root, byte[] relative) throws Throwable {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment state = a.allocate(CAPTURE);
            int dir = (int)
                    OPENAT.invokeExact(state, root, cString(a, new byte[] {'.'}), O_PATH | O_DIRECTORY | O_CLOEXEC);
            if (dir < 0) {
                return -errno(state);
            }
            for (String part : new String(relative, java.nio.charset.StandardCharsets.UTF_8).split("/")) {
                if (part.isEmpty() || part.equals(".")) {
                    continue;
                }
                if (part.equals("..")) {
                    close(dir);
                    return -EXDEV;
                }
                int next = (int) OPENAT.invokeExact(
                        state,
                        dir,
                        cString(a, part.getBytes(java.nio.charset.StandardCharsets.UTF_8)),
                        O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
                int e = errno(state);
                close(dir);
                if (next < 0) {
                    return -e;
                }
                dir = next;
            }
            return dir;
        }
    }

    /** Opens a directory the daemon chose itself (a mapping's host root, a scratch directory); -errno on failure. */
    static int openDirectory(byte[] path) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment state = a.allocate(CAPTURE);
            int fd = (int) OPENAT.invokeExact(state, AT_FDCWD, cString(a, path), O_PATH | O_DIRECTORY | O_CLOEXEC);
            return fd >= 0 ? fd : -errno(state);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    private static int spawn(byte[][] argv, byte[][] envp, byte[] cwd, Stdio stdio) {
        return spawn(
                argv, envp, stdio, (a, fa) -> check((int) FA_CHDIR.invokeExact(fa, cString(a, cwd)), "addchdir_np"));
    }

    private static int spawn(byte[][] argv, byte[][] envp, Stdio stdio, Stdio chdir) {
        return spawn(argv, envp, stdio, chdir, -1);
    }

    /**
     * Like {@link #spawn(byte[][], byte[][], byte[], int[])}, in the directory open as {@code cwdFd}
     * (fchdir in the child, so no path is looked up again between the check and the start), handing
     * the child {@code fd3} as its descriptor 3 (the cgroup helper's status pipe), or none when negative.
     */
    static int spawn(byte[][] argv, byte[][] envp, int cwdFd, int[] stdio, int fd3) {
        return spawn(
                argv,
                envp,
                (a, fa) -> {
                    for (int fd = 0; fd < 3; fd++) {
                        childFd(a, fa, fd, stdio[fd]);
                    }
                },
                (a, fa) -> check((int) FA_FCHDIR.invokeExact(fa, cwdFd), "addfchdir_np"),
                fd3);
    }

    /**
     * Like {@link #spawnOnTerminal(byte[][], byte[][], byte[], byte[], int)}, in the directory open as
     * {@code cwdFd}, handing the child {@code fd3} as its descriptor 3 (none when negative). With
     * {@code controlling} false the terminal is opened O_NOCTTY: the child gets it as descriptors only, so
     * a session it starts further down (the sandbox's) can take it as its own.
     */
    static int spawnOnTerminal(
            byte[][] argv, byte[][] envp, int cwdFd, byte[] ttyPath, int stderr, boolean controlling, int fd3) {
        return spawn(
                argv,
                envp,
                (a, fa) -> {
                    check(
                            (int) FA_OPEN.invokeExact(
                                    fa, 0, cString(a, ttyPath), O_RDWR | (controlling ? 0 : O_NOCTTY), 0),
                            "addopen");
                    check((int) FA_DUP2.invokeExact(fa, 0, 1), "adddup2");
                    childFd(a, fa, 2, stderr == CHILD_TERMINAL ? 0 : stderr);
                },
                (a, fa) -> check((int) FA_FCHDIR.invokeExact(fa, cwdFd), "addfchdir_np"),
                fd3);
    }

    private static int spawn(byte[][] argv, byte[][] envp, Stdio stdio, Stdio chdir, int fd3) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment fa = a.allocate(FILE_ACTIONS_SIZE, 16);
            MemorySegment attr = a.allocate(SPAWNATTR_SIZE, 16);
            MemorySegment sigs = a.allocate(SIGSET_SIZE, 16);
            check((int) FA_INIT.invokeExact(fa), "posix_spawn_file_actions_init");
            check((int) ATTR_INIT.invokeExact(attr), "posix_spawnattr_init");
            try {
                stdio.add(a, fa);
                chdir.add(a, fa); // before closefrom: a directory descriptor must still be open for fchdir
                if (fd3 >= 0) {
                    check((int) FA_DUP2.invokeExact(fa, fd3, 3), "adddup2"); // after fchdir, which may use descriptor 3
                }
                check((int) FA_CLOSEFROM.invokeExact(fa, fd3 >= 0 ? 4 : 3), "addclosefrom_np");
                check((int) SIGEMPTYSET.invokeExact(sigs), "sigemptyset");
                check((int) ATTR_SIGMASK.invokeExact(attr, sigs), "setsigmask");
                check((int) SIGFILLSET.invokeExact(sigs), "sigfillset");
                check((int) ATTR_SIGDEF.invokeExact(attr, sigs), "setsigdefault");
                check(
                        (int) ATTR_FLAGS.invokeExact(
                                attr, (short) (POSIX_SPAWN_SETSID | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF)),
                        "setflags");
                MemorySegment pid = a.allocate(JAVA_INT);
                int r = (int)
                        SPAWN.invokeExact(pid, cString(a, argv[0]), fa, attr, cStrings(a, argv), cStrings(a, envp));
                if (r != 0) {
                    throw new SpawnException(strerror(r));
                }
                return pid.get(JAVA_INT, 0);
            } finally {
                int ignored1 = (int) FA_DESTROY.invokeExact(fa);
                int ignored2 = (int) ATTR_DESTROY.invokeExact(attr);
            }
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** Sends a signal; {@code pid < 0} names a process group. Returns false when no such process exists. */
    static boolean kill(int pid, int signal) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment state = a.allocate(CAPTURE);
            int r = (int) KILL.invokeExact(state, pid, signal);
            return r == 0;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * Whether any process, zombies included, is in process group {@code pgid}: false only when the
     * kernel says there is none (ESRCH); a group of another user's processes (EPERM) exists.
     */
    static boolean groupExists(int pgid) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment state = a.allocate(CAPTURE);
            int r = (int) KILL.invokeExact(state, -pgid, 0);
            return r == 0 || errno(state) != ESRCH;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** Blocks until the child ends and returns its raw wait status. Call from a platform thread. */
    static int waitpid(int pid) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment status = a.allocate(JAVA_INT);
            MemorySegment state = a.allocate(CAPTURE);
            while (true) {
                int r = (int) WAITPID.invokeExact(state, pid, status, 0);
                if (r == pid) {
                    return status.get(JAVA_INT, 0);
                }
                int e = errno(state);
                if (e != EINTR) {
                    throw new SpawnException("waitpid(" + pid + "): " + strerror(e));
                }
            }
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** Opens a new pseudo-terminal master (close-on-exec) and returns it with its slave's path. */
    static Pty openPty() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment state = a.allocate(CAPTURE);
            int fd = (int) OPENPT.invokeExact(state, O_RDWR | O_NOCTTY | O_CLOEXEC);
            if (fd < 0) {
                throw new SpawnException("posix_openpt: " + strerror(errno(state)));
            }
            try {
                if ((int) GRANTPT.invokeExact(state, fd) != 0 || (int) UNLOCKPT.invokeExact(state, fd) != 0) {
                    throw new SpawnException("grantpt/unlockpt: " + strerror(errno(state)));
                }
                MemorySegment name = a.allocate(256);
                int r = (int) PTSNAME_R.invokeExact(fd, name, 256L);
                if (r != 0) {
                    throw new SpawnException("ptsname_r: " + strerror(r));
                }
                return new Pty(fd, name.getString(0));
            } catch (RuntimeException e) {
                close(fd);
                throw e;
            }
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** A pseudo-terminal master descriptor and the path of its slave. */
    record Pty(int master, String slavePath) {}

    /** Sets a terminal's window size; the kernel sends SIGWINCH to its foreground process group. */
    static void setWindowSize(int fd, int columns, int rows) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment ws = a.allocate(8, 2); // struct winsize { rows, cols, xpixel, ypixel } of unsigned short
            ws.set(JAVA_SHORT, 0, (short) rows);
            ws.set(JAVA_SHORT, 2, (short) columns);
            MemorySegment state = a.allocate(CAPTURE);
            int r = (int) IOCTL_PTR.invokeExact(state, fd, TIOCSWINSZ, ws);
            if (r != 0) {
                throw new SpawnException("ioctl(TIOCSWINSZ): " + strerror(errno(state)));
            }
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * read(2) into {@code buf}; returns the count, or -1 at end of input (EOF, or EIO: a pseudo-terminal
     * master reads EIO once no process has the slave open). Blocks: call from a platform thread.
     */
    static int read(int fd, MemorySegment buf, MemorySegment state) {
        try {
            while (true) {
                long n = (long) READ.invokeExact(state, fd, buf, buf.byteSize());
                if (n >= 0) {
                    return n == 0 ? -1 : (int) n;
                }
                int e = errno(state);
                if (e == EIO) {
                    return -1;
                }
                if (e != EINTR && e != EAGAIN) {
                    throw new java.io.UncheckedIOException(new java.io.IOException("read: " + strerror(e)));
                }
            }
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** write(2) of the whole buffer. */
    static void writeFully(int fd, MemorySegment buf, long len, MemorySegment state) {
        try {
            long off = 0;
            while (off < len) {
                long n = (long) WRITE.invokeExact(state, fd, buf.asSlice(off), len - off);
                if (n < 0) {
                    int e = errno(state);
                    if (e == EINTR || e == EAGAIN) {
                        continue;
                    }
                    throw new java.io.UncheckedIOException(new java.io.IOException("write: " + strerror(e)));
                }
                off += n;
            }
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** open(2) with a mode; returns the descriptor or {@code -errno}. */
    static int open(byte[] path, int flags, int mode) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment state = a.allocate(CAPTURE);
            int fd = (int) OPEN.invokeExact(state, cString(a, path), flags, mode);
            return fd >= 0 ? fd : -errno(state);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** unlink(2); false when it failed. */
    static boolean unlink(byte[] path) {
        try (Arena a = Arena.ofConfined()) {
            return (int) UNLINK.invokeExact(cString(a, path)) == 0;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** pread(2) into {@code buf}: the count, 0 at the end of the file. */
    static int pread(int fd, MemorySegment buf, long offset, MemorySegment state) {
        try {
            while (true) {
                long n = (long) PREAD.invokeExact(state, fd, buf, buf.byteSize(), offset);
                if (n >= 0) {
                    return (int) n;
                }
                int e = errno(state);
                if (e != EINTR && e != EAGAIN) {
                    throw new java.io.UncheckedIOException(new java.io.IOException("pread: " + strerror(e)));
                }
            }
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** The size of the file open as {@code fd} (lseek to its end; moves only that descriptor's offset). */
    static long size(int fd) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment state = a.allocate(CAPTURE);
            long r = (long) LSEEK.invokeExact(state, fd, 0L, SEEK_END);
            if (r < 0) {
                throw new java.io.UncheckedIOException(new java.io.IOException("lseek: " + strerror(errno(state))));
            }
            return r;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** fallocate(2); returns 0, or the errno (EOPNOTSUPP where the filesystem cannot do it). */
    static int fallocate(int fd, int mode, long offset, long length) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment state = a.allocate(CAPTURE);
            int r = (int) FALLOCATE.invokeExact(state, fd, mode, offset, length);
            return r == 0 ? 0 : errno(state);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** Room for the errno of calls made with {@link #read} and {@link #writeFully}. */
    static MemorySegment errnoState(Arena a) {
        return a.allocate(CAPTURE);
    }

    static String strerror(int errno) {
        try {
            MemorySegment s = (MemorySegment) STRERROR.invokeExact(errno);
            return s.reinterpret(256).getString(0);
        } catch (Throwable t) {
            return "errno " + errno;
        }
    }

    private static int errno(MemorySegment state) {
        return (int) ERRNO.get(state, 0L);
    }

    private static void check(int r, String what) {
        if (r != 0) {
            throw new SpawnException(what + ": " + strerror(r));
        }
    }

    private static MemorySegment cString(Arena a, byte[] s) {
        MemorySegment m = a.allocate(s.length + 1L);
        MemorySegment.copy(s, 0, m, JAVA_BYTE_LAYOUT, 0, s.length);
        m.set(JAVA_BYTE_LAYOUT, s.length, (byte) 0);
        return m;
    }

    private static MemorySegment cStrings(Arena a, byte[][] strings) {
        MemorySegment array = a.allocate(ADDRESS, strings.length + 1L);
        for (int i = 0; i < strings.length; i++) {
            array.setAtIndex(ADDRESS, i, cString(a, strings[i]));
        }
        array.setAtIndex(ADDRESS, strings.length, MemorySegment.NULL);
        return array;
    }

    private static final java.lang.foreign.ValueLayout.OfByte JAVA_BYTE_LAYOUT =
            java.lang.foreign.ValueLayout.JAVA_BYTE;

    private static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException r) {
            return r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        return new IllegalStateException(t);
    }
}
