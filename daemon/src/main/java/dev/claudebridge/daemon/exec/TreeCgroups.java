package dev.claudebridge.daemon.exec;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How host trees are contained: one cgroup (v2) per request when the daemon can create them, below a
 * cgroup of this daemon's own ({@code claude-bridge-PID-STARTTIME} beside the daemon in its cgroup),
 * else the process group and {@link DescendantTracker}. Decided once, and logged, on first use.
 *
 * <p>Placement needs the helper program (src/main/c/cgroup-helper.c): it joins the cgroup and then execs
 * the real program, so nothing runs outside it. The same helper, started here as a watcher with a pipe
 * from the daemon as its stdin, ends every request's tree within moments of the daemon's death.
 */
public final class TreeCgroups {
    private static final Logger LOG = LoggerFactory.getLogger(TreeCgroups.class);
    /** "off" forces the process-group mode (for tests of it, and for hosts where cgroups misbehave). */
    static final String MODE_PROPERTY = "claudebridge.cgroups";
    /** The helper program, when not in native/linux-ARCH/ beside the daemon's jar. */
    static final String HELPER_PROPERTY = "claudebridge.cgroupHelper";

    private static final String PREFIX = "claude-bridge-";
    private static final Pattern DAEMON_DIR = Pattern.compile(Pattern.quote(PREFIX) + "(\\d+)-(\\d+)");

    private final Path dir;
    private final Path helper;
    private final AtomicLong next = new AtomicLong();
    /** The write end of the watcher's stdin: never closed, so the watcher reads end of file only when this process is gone. */
    @SuppressWarnings("unused")
    private final int watcherPipe;

    private TreeCgroups(Path dir, Path helper, int watcherPipe) {
        this.dir = dir;
        this.helper = helper;
        this.watcherPipe = watcherPipe;
    }

    /** Why the cgroup mode is not in use, once that is decided. */
    private static volatile String fallbackReason = "";

    private static final class Holder {
        static final Optional<TreeCgroups> ACTIVE = setUp();
    }

    /** The cgroup mode when it is in use; empty in the process-group mode. */
    static Optional<TreeCgroups> active() {
        return Holder.ACTIVE;
    }

    /** Decides (and logs) how host trees are contained, starting the watcher in the cgroup mode; done at start-up. */
    public static void decide() {
        active();
    }

    /** One line for the daemon's log: which mode ends host trees. */
    public static String describe() {
        return describe(active());
    }

    private static String describe(Optional<TreeCgroups> mode) {
        return mode.map(c -> "one cgroup per request under " + c.dir
                        + " (cgroup.kill ends setsid escapees; a watcher ends every tree if the daemon dies)")
                .orElse("process group and descendant tracking (" + fallbackReason + ")");
    }

    /** The daemon's own cgroup directory, holding one cgroup per running request. */
    Path dir() {
        return dir;
    }

    /** A new, empty cgroup for one request. */
    RequestCgroup create() {
        Path d = dir.resolve("request-" + next.incrementAndGet());
        try {
            Files.createDirectory(d);
            return new RequestCgroup(d);
        } catch (IOException e) {
            throw new SpawnException("cannot create the request's cgroup " + d + ": " + e.getMessage());
        }
    }

    /** {@code argv} as the helper's arguments: the helper joins {@code cg} and execs {@code argv[0]}. */
    byte[][] wrap(RequestCgroup cg, byte[][] argv) {
        byte[][] out = new byte[argv.length + 4][];
        out[0] = bytes(helper.toString());
        out[1] = bytes("exec");
        out[2] = bytes(cg.dir().toString());
        out[3] = argv[0];
        System.arraycopy(argv, 0, out, 4, argv.length);
        return out;
    }

    /**
     * Waits until the helper started as {@code pid} has exec'd the program (its status pipe closes
     * unread) or failed (it reports why and exits, and is reaped here).
     *
     * @param status the status pipe, both ends; both are closed
     * @throws SpawnException with the system's reason when the program was not started
     */
    static void awaitExec(int pid, int[] status) {
        Posix.close(status[1]);
        try (Arena a = Arena.ofConfined()) {
            MemorySegment buf = a.allocate(5);
            MemorySegment state = Posix.errnoState(a);
            int n = 0;
            while (n < 5) {
                int r = Posix.read(status[0], buf.asSlice(n), state);
                if (r < 0) {
                    break;
                }
                n += r;
            }
            if (n == 0) {
                return; // exec succeeded: close-on-exec closed the pipe
            }
            Posix.waitpid(pid);
            int errno = n == 5
                    ? ByteBuffer.wrap(buf.asSlice(1, 4).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE))
                            .order(ByteOrder.nativeOrder())
                            .getInt()
                    : 0;
            throw new SpawnException(
                    buf.get(java.lang.foreign.ValueLayout.JAVA_BYTE, 0) == 'c'
                            ? "cannot place the process in its request's cgroup: " + Posix.strerror(errno)
                            : Posix.strerror(errno));
        } finally {
            Posix.close(status[0]);
        }
    }

    private static Optional<TreeCgroups> setUp() {
        Optional<TreeCgroups> c = Optional.empty();
        try {
            c = tryCgroups();
        } catch (RuntimeException e) {
            fallbackReason = "cgroups: " + e.getMessage();
        }
        LOG.info("host process trees: {}", describe(c));
        return c;
    }

    private static Optional<TreeCgroups> tryCgroups() {
        if ("off".equals(System.getProperty(MODE_PROPERTY))) {
            fallbackReason = MODE_PROPERTY + "=off";
            return Optional.empty();
        }
        Optional<Path> own = ownCgroup();
        if (own.isEmpty()) {
            fallbackReason = "no cgroup v2 hierarchy is mounted, or this process is not in it";
            return Optional.empty();
        }
        Optional<Path> helper = helper();
        if (helper.isEmpty()) {
            fallbackReason =
                    "the cgroup helper claude-bridge-cgroup was not built for this machine (no C compiler at build time?)";
            return Optional.empty();
        }
        sweep(own.get());
        TreeIdentity self = TreeIdentity.of(ProcessHandle.current().pid()).orElseThrow();
        Path dir = own.get().resolve(PREFIX + self.pid() + "-" + self.startTime());
        try {
            Files.createDirectory(dir);
        } catch (IOException e) {
            fallbackReason = "cannot create a cgroup in " + own.get() + " (" + e.getMessage()
                    + "; under systemd the unit needs Delegate=yes and no ProtectControlGroups=)";
            return Optional.empty();
        }
        if (!Files.exists(dir.resolve("cgroup.kill"))) {
            fallbackReason = "the kernel has no cgroup.kill (Linux 5.14 or newer is needed)";
            new RequestCgroup(dir).remove(0);
            return Optional.empty();
        }
        int pipe;
        try {
            pipe = startWatcher(helper.get(), dir);
        } catch (RuntimeException e) {
            fallbackReason = "cannot start the cgroup watcher: " + e.getMessage();
            new RequestCgroup(dir).remove(0);
            return Optional.empty();
        }
        return Optional.of(new TreeCgroups(dir, helper.get(), pipe));
    }

    /**
     * Starts {@code helper watch dir} in a session of its own, its stdin a pipe whose write end only this
     * process holds. The helper forks and its first process exits: the watcher is not the daemon's child.
     */
    private static int startWatcher(Path helper, Path dir) {
        int[] p = Posix.pipe();
        int pid;
        try {
            pid = Posix.spawn(
                    new byte[][] {bytes(helper.toString()), bytes("watch"), bytes(dir.toString())},
                    new byte[0][],
                    bytes("/"),
                    new int[] {p[0], Posix.CHILD_DEV_NULL, 2});
        } catch (RuntimeException e) {
            Posix.close(p[1]);
            throw e;
        } finally {
            Posix.close(p[0]);
        }
        Termination forked =
                Termination.ofWaitStatus(Posix.waitpid(pid)); // the watcher runs on in a process of its own
        if (!forked.equals(new Termination(false, 0))) {
            Posix.close(p[1]);
            throw new SpawnException("the watcher could not start (" + forked + ")");
        }
        return p[1];
    }

    /** Ends and removes what daemons that died without their watcher left under {@code parent}. */
    private static void sweep(Path parent) {
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(parent, PREFIX + "*")) {
            for (Path d : dirs) {
                Matcher m = DAEMON_DIR.matcher(d.getFileName().toString());
                if (!m.matches()
                        || new TreeIdentity(
                                        Long.parseLong(m.group(1)),
                                        Long.parseLong(m.group(2)),
                                        0,
                                        TreeIdentity.bootId())
                                .alive()) {
                    continue;
                }
                RequestCgroup daemon = new RequestCgroup(d);
                daemon.kill(); // also every request cgroup below it
                try (DirectoryStream<Path> requests = Files.newDirectoryStream(d, "request-*")) {
                    for (Path r : requests) {
                        new RequestCgroup(r).remove(5000);
                    }
                }
                if (daemon.remove(5000)) {
                    LOG.warn("ended and removed the cgroup {} of a daemon that is gone", d);
                }
            }
        } catch (IOException | RuntimeException e) {
            LOG.warn("cannot look for cgroups left by an earlier daemon in {} ({})", parent, e.toString());
        }
    }

    /** This process's cgroup directory in the cgroup v2 hierarchy, when that is mounted. */
    static Optional<Path> ownCgroup() {
        try {
            String path = Files.readAllLines(Path.of("/proc/self/cgroup")).stream()
                    .filter(l -> l.startsWith("0::"))
                    .findFirst()
                    .map(l -> l.substring(3))
                    .orElse(null);
            if (path == null) {
                return Optional.empty();
            }
            for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
                String[] f = line.split(" ");
                int dash = java.util.Arrays.asList(f).indexOf("-");
                if (dash > 0 && dash + 1 < f.length && f[dash + 1].equals("cgroup2") && f[3].equals("/")) {
                    Path dir = Path.of(unescape(f[4]), path.substring(1));
                    if (Files.isDirectory(dir)) {
                        return Optional.of(dir);
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            // no cgroup information: the process-group mode
        }
        return Optional.empty();
    }

    private static Optional<Path> helper() {
        return NativeHelpers.find("claude-bridge-cgroup", HELPER_PROPERTY);
    }

    private static String unescape(String mountPoint) {
        return mountPoint
                .replace("\\040", " ")
                .replace("\\011", "\t")
                .replace("\\012", "\n")
                .replace("\\134", "\\");
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
