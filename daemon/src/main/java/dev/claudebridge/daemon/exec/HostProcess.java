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
import java.util.Set;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A running host process that leads its own session and process group, so the whole tree it starts
 * can be signalled and ended together. Its pipes are plain Java streams: each end is reopened through
 * /proc/self/fd, which gives a stream over the same pipe without reflection into java.io.
 */
public final class HostProcess {
    private final int pid;
    private final OutputStream stdin;
    private final InputStream stdout;
    private final InputStream stderr;
    private final CompletableFuture<Termination> termination = new CompletableFuture<>();
    /** The pseudo-terminal master in terminal mode, else -1. */
    private final int master;
    private final AtomicInteger terminalHolds = new AtomicInteger(2);

    private HostProcess(int pid, OutputStream stdin, InputStream stdout, InputStream stderr, int master) {
        this.pid = pid;
        this.stdin = stdin;
        this.stdout = stdout;
        this.stderr = stderr;
        this.master = master;
        DescendantTracker.track(pid);
        Thread.ofPlatform().daemon().name("waitpid-" + pid).start(() -> termination.complete(Termination.ofWaitStatus(Posix.waitpid(pid))));
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
            int stderr = err != null ? err[1] : switch (spec.stderr()) {
                case DEV_NULL -> Posix.CHILD_DEV_NULL;
                case CLOSED -> Posix.CHILD_CLOSED;
                default -> Posix.CHILD_TERMINAL;
            };
            int pid = Posix.spawnOnTerminal(bytes(spec.command()), environment(spec.env()), dir.fd(),
                    pty.slavePath().getBytes(StandardCharsets.UTF_8), stderr);
            return new HostProcess(pid, PtyStreams.output(pty.master()), PtyStreams.input(pty.master()),
                    err != null ? outputPipe(err[0]) : InputStream.nullInputStream(), pty.master());
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
    public void resize(int columns, int rows) {
        if (master >= 0) {
            Posix.setWindowSize(master, columns, rows);
        }
    }

    /** Forgets the process's descendants; call once, after the process has ended. */
    public void forgetDescendants() {
        DescendantTracker.release(pid);
    }

    /**
     * Gives up one of the two holds on the terminal: the output side's (once no pump can still read it)
     * and the input side's (once no stdin write or resize can still reach it). The second closes the
     * master, so its descriptor number cannot be reused under a late keystroke. No-op in pipe mode.
     */
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
        int[] in = piped(spec.stdin()) ? Posix.pipe() : null;
        int[] out = piped(spec.stdout()) ? Posix.pipe() : null;
        int[] err = piped(spec.stderr()) ? Posix.pipe() : null;
        try {
            int pid = Posix.spawn(bytes(spec.command()), environment(spec.env()), dir.fd(),
                    new int[] {in != null ? in[0] : child(spec.stdin()), out != null ? out[1] : child(spec.stdout()),
                        err != null ? err[1] : child(spec.stderr())});
            return new HostProcess(pid, in != null ? new FileOutputStream(proc(in[1])) : OutputStream.nullOutputStream(),
                    out != null ? outputPipe(out[0]) : InputStream.nullInputStream(),
                    err != null ? outputPipe(err[0]) : InputStream.nullInputStream(), -1);
        } catch (IOException e) {
            throw new SpawnException("cannot open the process's pipes: " + e.getMessage());
        } finally {
            for (int[] pipe : new int[][] {in, out, err}) {
                if (pipe != null) {
                    Posix.close(pipe[0]);
                    Posix.close(pipe[1]);
                }
            }
        }
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

    public int pid() {
        return pid;
    }

    public OutputStream stdin() {
        return stdin;
    }

    public InputStream stdout() {
        return stdout;
    }

    public InputStream stderr() {
        return stderr;
    }

    /** Completes when the process has ended and been reaped. */
    public CompletableFuture<Termination> termination() {
        return termination;
    }

    /** Delivers a signal to the whole process group, as a terminal would. */
    public void signalGroup(int signal) {
        Posix.kill(-pid, signal);
    }

    /** Whether any process of the group is still running (zombies do not count). */
    public boolean groupAlive() {
        return ProcStat.groupRunning(pid);
    }

    /**
     * Ends the process and everything it started: SIGTERM to the group and to every descendant (some
     * may have left the group), then SIGKILL to whatever is left after the grace period.
     */
    public void terminateTree(Duration grace) {
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
        return bytes(env.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).sorted().toList());
    }
}
