package dev.claudebridge.daemon.transport;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.lang.reflect.Method;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The connecting process of a Unix-socket connection (SO_PEERCRED's pid, which the JDK's own option
 * leaves out) and the container it runs in, read once at accept.
 *
 * <p>The container is the peer's PID namespace, walked up (NS_GET_PARENT) to the one just below the
 * daemon's, so that a namespace nested inside a container still counts as that container. Reading
 * another user's namespace needs the right to ptrace it; a daemon without it (not root) tells a
 * container from the host by the NSpid line of {@code /proc/PID/status} and names it by its cgroup.
 * A pid the daemon cannot see (0: the caller is in a PID namespace that is not below the daemon's) or
 * a process already gone gives no container.
 */
final class PeerCredentials {
    private static final Logger LOG = LoggerFactory.getLogger(PeerCredentials.class);
    private static final int SOL_SOCKET = 1;
    private static final int SO_PEERCRED = 17;
    private static final int O_RDONLY_CLOEXEC = 0x80000;
    /** _IO(0xb7, 0x2): the parent of a PID or user namespace. */
    private static final long NS_GET_PARENT = 0xb702;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final MethodHandle GETSOCKOPT =
            fn("getsockopt", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));
    private static final MethodHandle OPEN =
            fn("open", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT), Linker.Option.firstVariadicArg(2));
    private static final MethodHandle IOCTL =
            fn("ioctl", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG), Linker.Option.firstVariadicArg(2));
    private static final MethodHandle CLOSE = fn("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final Method FD_VAL = fdVal();
    private static final String OWN_PID_NS = link(Path.of("/proc/self/ns/pid")).orElse("");

    private PeerCredentials() {}

    /** What the kernel says of the peer: pid (0 when not visible) and its container ("" for none). */
    record Credentials(long pid, String container) {
        static final Credentials UNKNOWN = new Credentials(0, "");
    }

    /** The peer of an accepted Unix-socket connection; {@link Credentials#UNKNOWN} when it cannot be told. */
    static Credentials of(SocketChannel ch) {
        int fd = fd(ch);
        if (fd < 0) {
            return Credentials.UNKNOWN;
        }
        long pid;
        try (Arena a = Arena.ofConfined()) {
            MemorySegment cred = a.allocate(12); // struct ucred { pid_t pid; uid_t uid; gid_t gid; }
            MemorySegment len = a.allocate(JAVA_INT);
            len.set(JAVA_INT, 0, 12);
            int r = (int) GETSOCKOPT.invokeExact(fd, SOL_SOCKET, SO_PEERCRED, cred, len);
            if (r != 0) {
                return Credentials.UNKNOWN;
            }
            pid = cred.get(JAVA_INT, 0);
        } catch (Throwable t) {
            return Credentials.UNKNOWN;
        }
        return pid <= 0 ? Credentials.UNKNOWN : new Credentials(pid, containerOf(pid));
    }

    /** The container of a visible process, "" when it is in the daemon's own PID namespace or gone. */
    static String containerOf(long pid) {
        Path proc = Path.of("/proc", Long.toString(pid));
        Optional<String> ns = outermostNamespace(proc.resolve("ns/pid"));
        if (ns.isPresent()) {
            return ns.get().equals(OWN_PID_NS) ? "" : "pidns:" + inode(ns.get());
        }
        try {
            // not ours to inspect: NSpid lists the pid in each namespace from ours down, so one entry means ours
            if (nsPidDepth(Files.readAllLines(proc.resolve("status"))) <= 1) {
                return "";
            }
            return "cgroup:" + cgroup(Files.readAllLines(proc.resolve("cgroup")));
        } catch (IOException e) {
            return ""; // gone already
        }
    }

    /** The NSpid line's number of entries (1 when the line is missing: kernels before 4.1). */
    static int nsPidDepth(List<String> status) {
        for (String line : status) {
            if (line.startsWith("NSpid:")) {
                return line.substring("NSpid:".length()).trim().split("\\s+").length;
            }
        }
        return 1;
    }

    /** The unified hierarchy's path ({@code 0::PATH}), else every v1 line as it stands. */
    static String cgroup(List<String> lines) {
        for (String line : lines) {
            if (line.startsWith("0::")) {
                return line.substring(3);
            }
        }
        return String.join(";", lines);
    }

    /**
     * The peer's PID namespace walked up to the one just below the daemon's ({@code pid:[INODE]}), or the
     * daemon's own; empty when it cannot be opened (another user's process and no ptrace right, or gone).
     */
    private static Optional<String> outermostNamespace(Path nsLink) {
        int fd;
        try (Arena a = Arena.ofConfined()) {
            fd = (int) OPEN.invokeExact(a.allocateFrom(nsLink.toString(), StandardCharsets.UTF_8), O_RDONLY_CLOEXEC);
        } catch (Throwable t) {
            return Optional.empty();
        }
        if (fd < 0) {
            return Optional.empty();
        }
        try {
            Optional<String> current = fdTarget(fd);
            for (int depth = 0;
                    depth < 32 && current.isPresent() && !current.get().equals(OWN_PID_NS);
                    depth++) {
                int parent = (int) IOCTL.invokeExact(fd, NS_GET_PARENT);
                if (parent < 0) {
                    break; // EPERM: the parent is outside the daemon's view, so this is as far up as it goes
                }
                Optional<String> up = fdTarget(parent);
                if (up.isPresent() && up.get().equals(OWN_PID_NS)) {
                    close(parent);
                    break;
                }
                close(fd);
                fd = parent;
                current = up;
            }
            return current;
        } catch (Throwable t) {
            return Optional.empty();
        } finally {
            close(fd);
        }
    }

    private static Optional<String> fdTarget(int fd) {
        return link(Path.of("/proc/self/fd", Integer.toString(fd)));
    }

    private static Optional<String> link(Path p) {
        try {
            return Optional.of(Files.readSymbolicLink(p).toString());
        } catch (IOException | UnsupportedOperationException e) {
            return Optional.empty();
        }
    }

    /** {@code pid:[4026531836]} to {@code 4026531836}. */
    private static String inode(String nsLink) {
        int open = nsLink.indexOf('[');
        int close = nsLink.lastIndexOf(']');
        return open >= 0 && close > open ? nsLink.substring(open + 1, close) : nsLink;
    }

    private static void close(int fd) {
        try {
            int ignored = (int) CLOSE.invokeExact(fd);
        } catch (Throwable t) {
            // nothing to do
        }
    }

    private static int fd(SocketChannel ch) {
        if (FD_VAL == null) {
            return -1;
        }
        try {
            return (int) FD_VAL.invoke(ch);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return -1;
        }
    }

    /**
     * The JDK's channel knows its descriptor but says so only through an internal interface, which the
     * daemon's jar manifest exports to it ({@code Add-Exports: java.base/sun.nio.ch}).
     */
    private static Method fdVal() {
        try {
            Method m = Class.forName("sun.nio.ch.SelChImpl").getMethod("getFDVal");
            if (!Object.class.getModule().isExported("sun.nio.ch", PeerCredentials.class.getModule())) {
                throw new IllegalAccessException(
                        "java.base does not export sun.nio.ch to the daemon (run it from its jar, or add "
                                + "--add-exports java.base/sun.nio.ch=ALL-UNNAMED)");
            }
            return m;
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.warn(
                    "cannot read the descriptors of connections ({}); callers are told apart by listener and uid only",
                    e.toString());
            return null;
        }
    }

    private static MethodHandle fn(String name, FunctionDescriptor d, Linker.Option... options) {
        return LINKER.downcallHandle(LINKER.defaultLookup().find(name).orElseThrow(), d, options);
    }
}
