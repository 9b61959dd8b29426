package dev.claudebridge.daemon.exec;

import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A running host process that leads its own session and process group, so the whole tree it starts
 * can be signalled and ended together. Its pipes are plain Java streams: each end is reopened through
 * /proc/self/fd, which gives a stream over the same pipe without reflection into java.io.
 */
public final class HostProcess implements ProcessTree {
    private final int pid;
    private final OutputStream stdin;
    private final InputStream stdout;
    private final InputStream stderr;
    private final CompletableFuture<Termination> termination = new CompletableFuture<>();
    /** The pseudo-terminal master in terminal mode, else -1. */
    private final int master;

    private final AtomicInteger terminalHolds = new AtomicInteger(2);
    /** Output files being read back; a stopped group is continued before the tree is ended. */
    private final List<FileTail> tails = new java.util.concurrent.CopyOnWriteArrayList<>();
    /** The request's cgroup, holding the whole tree; null in the process-group mode ({@link TreeCgroups}). */
    private final RequestCgroup cgroup;
    /** Whether signals go to an inner session (the sandbox's) rather than to this process's group. */
    private final boolean innerSession;
    /** The inner session's leader once found, else 0. */
    private volatile long innerLeader;

    private HostProcess(
            Placed placed,
            OutputStream stdin,
            InputStream stdout,
            InputStream stderr,
            int master,
            boolean innerSession) {
        this.pid = placed.pid();
        this.innerSession = innerSession;
        this.cgroup = placed.cgroup();
        this.stdin = stdin;
        this.stdout = stdout;
        this.stderr = stderr;
        this.master = master;
        if (cgroup == null) {
            DescendantTracker.track(pid);
        }
        Thread.ofPlatform()
                .daemon()
                .name("waitpid-" + pid)
                .start(() -> termination.complete(Termination.ofWaitStatus(Posix.waitpid(pid))));
    }

    /**
     * Starts the process on a new pseudo-terminal of the given size, as its controlling terminal.
     * Output and input both go through the terminal: {@link #stdout()} reads everything the process
     * writes, {@link #stderr()} is empty.
     *
     * @throws SpawnException when it cannot be started
     */
    public static HostProcess startOnTerminal(ProcessSpec spec, int columns, int rows) {
        try (WorkingDirectory dir = WorkingDirectory.open(spec.cwd())) {
            return startOnTerminal(spec, dir, columns, rows);
        }
    }

    /** Like {@link #startOnTerminal(ProcessSpec, int, int)}, in the open directory {@code dir} (spec.cwd() is not used). */
    public static HostProcess startOnTerminal(ProcessSpec spec, WorkingDirectory dir, int columns, int rows) {
        Posix.Pty pty = Posix.openPty();
        int[] err = spec.stderr() == StdioTarget.PIPE ? Posix.pipe() : null;
        try {
            Posix.setWindowSize(pty.master(), columns, rows);
            int stderr = err != null
                    ? err[1]
                    : switch (spec.stderr()) {
                        case DEV_NULL -> Posix.CHILD_DEV_NULL;
                        case CLOSED -> Posix.CHILD_CLOSED;
                        default -> Posix.CHILD_TERMINAL;
                    };
            byte[] tty = pty.slavePath().getBytes(StandardCharsets.UTF_8);
            Placed pid = spawn(
                    bytes(spec.command()),
                    (argv, fd3) -> Posix.spawnOnTerminal(
                            argv, environment(spec.env()), dir.fd(), tty, stderr, !spec.innerSession(), fd3));
            return new HostProcess(
                    pid,
                    PtyStreams.output(pty.master()),
                    PtyStreams.input(pty.master()),
                    err != null ? outputPipe(err[0]) : InputStream.nullInputStream(),
                    pty.master(),
                    spec.innerSession());
        } catch (IOException e) {
            Posix.close(pty.master());
            throw new SpawnException("cannot open the process's pipes: " + e.getMessage());
        } catch (RuntimeException e) {
            Posix.close(pty.master());
            throw e;
        } finally {
            if (err != null) {
                Posix.close(err[0]);
                Posix.close(err[1]);
            }
        }
    }

    /** Tells the terminal its new size (the kernel signals SIGWINCH); ignored in pipe mode. */
    @Override
    public void resize(int columns, int rows) {
        if (master >= 0) {
            Posix.setWindowSize(master, columns, rows);
        }
    }

    /** Forgets the process's descendants and removes its empty cgroup; call once, after the process has ended. */
    @Override
    public void forgetDescendants() {
        if (cgroup == null) {
            DescendantTracker.release(pid);
        } else {
            cgroup.remove(
                    0); // left in place if something still runs in it: terminateTree, or the watcher at exit, ends it
        }
    }

    /** A started process and the cgroup it was started in (null in the process-group mode). */
    private record Placed(int pid, RequestCgroup cgroup) {}

    /** posix_spawn of {@code argv} with descriptor 3 for the child ({@code fd3}), or -1 for none. */
    private interface Spawn {
        int spawn(byte[][] argv, int fd3);
    }

    /**
     * Starts {@code argv}: in the cgroup mode through the helper, which joins a new cgroup for this
     * request and then execs {@code argv}, so the process and all it starts are in it from the first
     * instruction; returns once the program runs (or throws why it could not start, as posix_spawn does).
     */
    private static Placed spawn(byte[][] argv, Spawn spawn) {
        Optional<TreeCgroups> mode = TreeCgroups.active();
        if (mode.isEmpty()) {
            return new Placed(spawn.spawn(argv, -1), null);
        }
        RequestCgroup cg = mode.get().create();
        try {
            int[] status = Posix.pipe();
            int pid;
            try {
                pid = spawn.spawn(mode.get().wrap(cg, argv), status[1]);
            } catch (RuntimeException e) {
                Posix.close(status[0]);
                Posix.close(status[1]);
                throw e;
            }
            TreeCgroups.awaitExec(pid, status);
            return new Placed(pid, cg);
        } catch (RuntimeException e) {
            cg.remove(1000);
            throw e;
        }
    }

    /**
     * Gives up one of the two holds on the terminal: the output side's (once no pump can still read it)
     * and the input side's (once no stdin write or resize can still reach it). The second closes the
     * master, so its descriptor number cannot be reused under a late keystroke. No-op in pipe mode.
     */
    @Override
    public void releaseTerminal() {
        if (master >= 0 && terminalHolds.decrementAndGet() == 0) {
            Posix.close(master);
        }
    }

    /**
     * Starts the process.
     *
     * @throws SpawnException when it cannot be started; the message is the system's reason
     */
    public static HostProcess start(ProcessSpec spec) {
        try (WorkingDirectory dir = WorkingDirectory.open(spec.cwd())) {
            return start(spec, dir);
        }
    }

    /** Like {@link #start(ProcessSpec)}, in the open directory {@code dir} (spec.cwd() is not used). */
    public static HostProcess start(ProcessSpec spec, WorkingDirectory dir) {
        OutputFile outFile = isFile(spec.stdout()) ? outputFile() : null;
        OutputFile errFile = isFile(spec.stderr()) ? outputFile() : null;
        int[] in = piped(spec.stdin()) ? Posix.pipe() : null;
        int[] out = outFile == null && (piped(spec.stdout()) || isFile(spec.stdout())) ? Posix.pipe() : null;
        int[] err = errFile == null && (piped(spec.stderr()) || isFile(spec.stderr())) ? Posix.pipe() : null;
        int outChild = -1;
        int errChild = -1;
        boolean started = false;
        try {
            outChild = outFile != null
                    ? outFile.openForChild(spec.stdout() == StdioTarget.FILE_APPEND)
                    : out != null ? out[1] : child(spec.stdout());
            errChild = errFile != null
                    ? errFile.openForChild(spec.stderr() == StdioTarget.FILE_APPEND)
                    : err != null ? err[1] : child(spec.stderr());
            int[] stdio = {in != null ? in[0] : child(spec.stdin()), outChild, errChild};
            Placed pid = spawn(
                    bytes(spec.command()),
                    (argv, fd3) -> Posix.spawn(argv, environment(spec.env()), dir.fd(), stdio, fd3));
            FileTail outTail = outFile != null ? new FileTail(outFile, pid.pid()) : null;
            FileTail errTail = errFile != null ? new FileTail(errFile, pid.pid()) : null;
            HostProcess p = new HostProcess(
                    pid,
                    in != null ? new FileOutputStream(proc(in[1])) : OutputStream.nullOutputStream(),
                    outTail != null ? outTail : out != null ? outputPipe(out[0]) : InputStream.nullInputStream(),
                    errTail != null ? errTail : err != null ? outputPipe(err[0]) : InputStream.nullInputStream(),
                    -1,
                    spec.innerSession());
            p.follow(outFile, outTail);
            p.follow(errFile, errTail);
            started = true;
            return p;
        } catch (IOException e) {
            throw new SpawnException("cannot open the process's pipes: " + e.getMessage());
        } finally {
            for (int[] pipe : new int[][] {in, out, err}) {
                if (pipe != null) {
                    Posix.close(pipe[0]);
                    Posix.close(pipe[1]);
                }
            }
            for (int[] file : new int[][] {{outFile != null ? outChild : -1}, {errFile != null ? errChild : -1}}) {
                if (file[0] >= 0) {
                    Posix.close(file[0]); // the child has its own copy
                }
            }
            if (!started) {
                for (OutputFile f : new OutputFile[] {outFile, errFile}) {
                    if (f != null) {
                        f.close();
                    }
                }
            }
        }
    }

    /**
     * A private file for the process's output, or null when the system cannot give one with bounded disk
     * use (then the process gets a pipe, as for any other kind of output; said once in the log).
     */
    private static OutputFile outputFile() {
        try {
            return OutputFile.create();
        } catch (IOException | RuntimeException e) {
            if (!fileRefusalLogged.getAndSet(true)) {
                org.slf4j.LoggerFactory.getLogger(HostProcess.class)
                        .warn(
                                "a caller's output file becomes a pipe for the host process: {} (said once)",
                                e.getMessage());
            }
            return null;
        }
    }

    private static final java.util.concurrent.atomic.AtomicBoolean fileRefusalLogged =
            new java.util.concurrent.atomic.AtomicBoolean();

    /** Lets a tail end once no process of this tree holds its file, and wakes it when the leader exits. */
    private void follow(OutputFile file, FileTail tail) {
        if (tail == null) {
            return;
        }
        tails.add(tail);
        tail.endWhen(() -> termination.isDone() && !heldByTree(file));
        termination.whenComplete((t, e) -> tail.wake());
    }

    /** Whether a live process of the group or the request's cgroup, or a descendant seen earlier, still has the file open. */
    private boolean heldByTree(OutputFile file) {
        Set<Long> live = new HashSet<>(ProcStat.groupMembers(pid));
        if (cgroup != null) {
            live.addAll(cgroup.members());
        }
        DescendantTracker.snapshot(pid).stream().filter(ProcessHandle::isAlive).forEach(d -> live.add(d.pid()));
        return live.stream().anyMatch(file::openIn);
    }

    private static boolean isFile(StdioTarget t) {
        return t == StdioTarget.FILE || t == StdioTarget.FILE_APPEND;
    }

    /** A pipe's buffer for the process's output: room for bursts while the daemon's reader is scheduled out. */
    public static final int OUTPUT_PIPE_BUFFER = 1024 * 1024;

    /**
     * The read end of an output pipe as a stream, its buffer enlarged to {@link #OUTPUT_PIPE_BUFFER} where
     * the system allows (pipe-max-size and the user's pipe quota; kernel memory, used only while full).
     */
    private static InputStream outputPipe(int readEnd) throws IOException {
        Posix.setPipeSize(readEnd, OUTPUT_PIPE_BUFFER); // best effort: a refusal keeps the default 64 KiB
        return new FileInputStream(proc(readEnd));
    }

    private static boolean piped(StdioTarget t) {
        return t == StdioTarget.DEFAULT || t == StdioTarget.PIPE;
    }

    private static int child(StdioTarget t) {
        return t == StdioTarget.DEV_NULL ? Posix.CHILD_DEV_NULL : Posix.CHILD_CLOSED;
    }

    @Override
    public int pid() {
        return pid;
    }

    @Override
    public OutputStream stdin() {
        return stdin;
    }

    @Override
    public InputStream stdout() {
        return stdout;
    }

    @Override
    public InputStream stderr() {
        return stderr;
    }

    /** Completes when the process has ended and been reaped. */
    @Override
    public CompletableFuture<Termination> termination() {
        return termination;
    }

    /**
     * Delivers a signal to the whole process group, as a terminal would: this process's, or for an inner
     * session the group its leader heads (a signal that comes before the leader exists is dropped, as
     * one sent before a local program starts would be).
     */
    @Override
    public void signalGroup(int signal) {
        if (!innerSession) {
            Posix.kill(-pid, signal);
            return;
        }
        long leader = innerLeader();
        if (leader > 0) {
            Posix.kill((int) -leader, signal);
        }
    }

    /**
     * The inner session's leader: the sandbox's program is a grandchild (bubblewrap, its init, then the
     * session helper that became the program), found in /proc once it has started its session.
     */
    private long innerLeader() {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(2);
        while (innerLeader == 0 && !termination.isDone() && System.nanoTime() < deadline) {
            for (long init : ProcStat.children(pid)) {
                ProcStat.groupLeadingChildren(init).stream().findFirst().ifPresent(l -> innerLeader = l);
            }
            if (innerLeader == 0) {
                try {
                    Thread.sleep(10);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        return termination.isDone() ? 0 : innerLeader;
    }

    /** Whether any process of the group, or of the request's cgroup, is still running (zombies do not count). */
    public boolean groupAlive() {
        return ProcStat.groupRunning(pid) || cgroup != null && cgroup.populated();
    }

    /**
     * Whether anything of the tree still runs: the group, or a process it started that has left the
     * group (claude runs its Bash tool in a session of its own) and may have lost its parent since.
     */
    @Override
    public boolean treeAlive() {
        return groupAlive()
                || DescendantTracker.snapshot(pid).stream().anyMatch(d -> d.isAlive() && ProcStat.running(d.pid()));
    }

    /**
     * Ends the process and everything it started: SIGTERM to the group and to every descendant (some
     * may have left the group), then SIGKILL to whatever is left after the grace period.
     */
    @Override
    public void terminateTree(Duration grace) {
        tails.forEach(FileTail::stopPausing); // a stopped process would not act on SIGTERM
        if (cgroup != null) {
            terminateCgroup(grace);
            return;
        }
        // what is descended now, what was seen descending earlier (it may have left the group with setsid),
        // and whatever else is in the group: one scan of the process table, then only these are watched
        Set<Long> members = new HashSet<>();
        DescendantTracker.snapshot(pid).stream().filter(ProcessHandle::isAlive).forEach(d -> members.add(d.pid()));
        members.addAll(ProcStat.groupMembers(pid));
        signalGroup(Posix.SIGTERM);
        members.forEach(m -> Posix.kill(m.intValue(), Posix.SIGTERM));
        long deadline = System.nanoTime() + grace.toNanos();
        while (System.nanoTime() < deadline && members.stream().anyMatch(ProcStat::running)) {
            // no event says "the tree is gone", so poll it; a tree that obeys SIGTERM is gone in a few ms
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        signalGroup(Posix.SIGKILL); // also whatever joined the group meanwhile
        members.stream().filter(ProcStat::running).forEach(m -> Posix.kill(m.intValue(), Posix.SIGKILL));
    }

    /**
     * The cgroup mode of {@link #terminateTree(Duration)}: SIGTERM to every process in the cgroup (and the
     * group, in case one left the cgroup), then cgroup.kill, which no fork can outrun, and the cgroup removed.
     */
    private void terminateCgroup(Duration grace) {
        Set<Long> members = cgroup.members();
        members.addAll(ProcStat.groupMembers(pid));
        signalGroup(Posix.SIGTERM);
        members.forEach(m -> Posix.kill(m.intValue(), Posix.SIGTERM));
        long deadline = System.nanoTime() + grace.toNanos();
        while (System.nanoTime() < deadline && (cgroup.populated() || ProcStat.groupRunning(pid))) {
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        cgroup.kill();
        signalGroup(Posix.SIGKILL);
        cgroup.remove(5000);
    }

    private static String proc(int fd) {
        return "/proc/self/fd/" + fd;
    }

    private static byte[][] bytes(List<String> strings) {
        byte[][] out = new byte[strings.size()][];
        for (int i = 0; i < out.length; i++) {
            out[i] = strings.get(i).getBytes(StandardCharsets.UTF_8);
        }
        return out;
    }

    private static byte[][] environment(Map<String, String> env) {
        return bytes(env.entrySet().stream()
                .map(e -> e.getKey() + "=" + e.getValue())
                .sorted()
                .toList());
    }
}
