import dev.claudebridge.protocol.BridgeError;
import dev.claudebridge.protocol.ErrorCode;
import dev.claudebridge.protocol.Exit;
import dev.claudebridge.protocol.Frame;
import dev.claudebridge.protocol.FrameReader;
import dev.claudebridge.protocol.FrameType;
import dev.claudebridge.protocol.FrameWriter;
import dev.claudebridge.protocol.Hello;
import dev.claudebridge.protocol.Request;
import dev.claudebridge.protocol.Signal;
import dev.claudebridge.protocol.Terminal;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The soak of docs/BENCHMARKS.md, run by bench/soak.sh: a mixed load of calls against one running daemon
 * (the bench's fake claude) in rounds; after each round the load stops, every call's end record is awaited,
 * and the daemon's resident memory, threads, open descriptors and live child processes are sampled, and the
 * audit log is checked: every start has exactly one end, and there is one end per call made. Prints a row
 * per round; exits 1 when a call ended otherwise than its kind must, the audit does not balance, or a
 * figure kept growing (the last third of the rounds above the middle third by more than a margin).
 *
 *   java -cp PROTOCOL_JAR bench/Soak.java SOCKET DAEMON_PID AUDIT_LOG SECONDS INTERVAL WORKERS
 */
public class Soak {
    /** The kinds of call, with their share of the load in percent. */
    enum Kind {
        PIPE_OUT(30), // out 65536 on pipes: 64 KiB of output
        PIPE_IN(15), // in: 10 KiB of stdin, its length back
        TTY_OUT(15), // out 4096 on a terminal
        SIGNAL_PIPE(8), // in, then SIGINT: ends by the signal
        SIGNAL_TTY(7), // the same on a terminal
        DISCONNECT(10), // in, then the caller vanishes
        DENIED(12), // an argument the policy refuses
        STALLED(3); // a handshake that announces 1 MiB and stops: the handshake timeout ends it

        final int percent;

        Kind(int percent) {
            this.percent = percent;
        }
    }

    private static final Pattern RECORD = Pattern.compile("\"event\":\"(start|end)\",\"id\":\"([^\"]+)\"");
    private static final Map<Kind, AtomicLong> COUNTS = new EnumMap<>(Kind.class);
    private static final AtomicLong CALLS = new AtomicLong();
    private static final AtomicLong UNEXPECTED = new AtomicLong();
    private static final ConcurrentLinkedQueue<String> SURPRISES = new ConcurrentLinkedQueue<>();

    static {
        for (Kind k : Kind.values()) {
            COUNTS.put(k, new AtomicLong());
        }
    }

    record Sample(long rssKib, long threads, long fds, long children) {}

    public static void main(String[] args) throws Exception {
        Path socket = Path.of(args[0]);
        long pid = Long.parseLong(args[1]);
        Path audit = Path.of(args[2]);
        long seconds = Long.parseLong(args[3]);
        long interval = Long.parseLong(args[4]);
        int workers = Integer.parseInt(args[5]);
        int rounds = (int) Math.max(3, seconds / interval);
        Sample idle = sample(pid);
        System.out.printf("%d rounds of %d s, %d callers at once; idle daemon: RSS %d MiB, %d threads, %d fds, %d children%n",
                rounds, interval, workers, idle.rssKib() / 1024, idle.threads(), idle.fds(), idle.children());
        System.out.printf("%5s %7s %6s %6s %9s %8s %5s %8s %8s %7s %8s%n",
                "round", "min", "calls", "unexp", "RSS MiB", "threads", "fds", "children", "starts", "ends", "balance");
        List<Sample> samples = new ArrayList<>();
        boolean balanced = true;
        long begin = System.nanoTime();
        for (int round = 1; round <= rounds; round++) {
            load(socket, workers, interval, round);
            Audit a = settle(audit, pid, idle.children());
            Sample s = sample(pid);
            samples.add(s);
            balanced &= a.balanced();
            System.out.printf("%5d %7.1f %6d %6d %9d %8d %5d %8d %8d %7d %8s%n",
                    round, (System.nanoTime() - begin) / 60e9, CALLS.get(), UNEXPECTED.get(), s.rssKib() / 1024,
                    s.threads(), s.fds(), s.children(), a.starts(), a.ends(), a.verdict());
        }
        System.out.println("calls by kind: " + COUNTS);
        SURPRISES.stream().limit(5).forEach(m -> System.out.println("unexpected: " + m));
        List<String> growing = new ArrayList<>();
        grows(samples, "RSS", Sample::rssKib, 32 * 1024, growing);
        grows(samples, "threads", Sample::threads, 8, growing);
        grows(samples, "fds", Sample::fds, 8, growing);
        for (Sample s : samples) {
            if (s.children() != idle.children()) {
                growing.add("children (" + s.children() + " after a round, " + idle.children() + " idle)");
                break;
            }
        }
        boolean ok = growing.isEmpty() && balanced && UNEXPECTED.get() == 0;
        System.out.println(ok ? "PASS: nothing grew, the audit balanced after every round, every call ended as its kind must"
                : "FAIL:" + (growing.isEmpty() ? "" : " growing " + growing) + (balanced ? "" : " audit unbalanced")
                        + (UNEXPECTED.get() == 0 ? "" : " " + UNEXPECTED.get() + " unexpected call endings"));
        System.exit(ok ? 0 : 1);
    }

    /** Bounded: the worst of the last third of the rounds no more than a margin above the worst of the middle third. */
    private static void grows(List<Sample> samples, String name, java.util.function.ToLongFunction<Sample> f, long slack,
            List<String> growing) {
        int third = samples.size() / 3;
        long middle = samples.subList(third, 2 * third).stream().mapToLong(f).max().orElse(0);
        long last = samples.subList(2 * third, samples.size()).stream().mapToLong(f).max().orElse(0);
        if (last > middle + Math.max(slack, middle / 10)) {
            growing.add(name + " (" + middle + " -> " + last + ")");
        }
    }

    /** {@code workers} callers making calls back to back for {@code seconds}. */
    private static void load(Path socket, int workers, long seconds, int round) throws InterruptedException {
        long until = System.nanoTime() + seconds * 1_000_000_000L;
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int w = 0; w < workers; w++) {
                SplittableRandom random = new SplittableRandom(round * 1000L + w);
                pool.submit(() -> {
                    while (System.nanoTime() < until) {
                        call(socket, pick(random), random);
                    }
                });
            }
        }
    }

    private static Kind pick(SplittableRandom random) {
        int r = random.nextInt(100);
        for (Kind k : Kind.values()) {
            r -= k.percent;
            if (r < 0) {
                return k;
            }
        }
        return Kind.PIPE_OUT;
    }

    private static void call(Path socket, Kind kind, SplittableRandom random) {
        CALLS.incrementAndGet();
        COUNTS.get(kind).incrementAndGet();
        try (SocketChannel ch = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
            OutputStream raw = Channels.newOutputStream(ch);
            FrameWriter w = new FrameWriter(raw);
            FrameReader r = new FrameReader(new BufferedInputStream(Channels.newInputStream(ch)));
            w.write(new Hello(Hello.VERSION, "bench-soak").toFrame());
            String outcome = switch (kind) {
                case PIPE_OUT -> expectExit(run(w, r, request(List.of("out", "65536"), false), true, null), 0, 65536);
                case PIPE_IN -> expectExit(run(w, r, request(List.of("in"), false), false, new byte[10240]), 0, 6);
                case TTY_OUT -> expectExit(run(w, r, request(List.of("out", "4096"), true), false, null), 0, 4096);
                case SIGNAL_PIPE, SIGNAL_TTY -> {
                    w.write(request(List.of("in"), kind == Kind.SIGNAL_TTY).toFrame());
                    awaitStart(r);
                    Thread.sleep(random.nextInt(200));
                    w.write(Signal.INT.toFrame());
                    yield expectExit(finish(r), 128 + Signal.INT.number(), -1);
                }
                case DISCONNECT -> {
                    w.write(request(List.of("in"), false).toFrame());
                    awaitStart(r);
                    Thread.sleep(random.nextInt(200));
                    yield null; // closing the socket is the whole point
                }
                case DENIED -> {
                    w.write(request(List.of("--dangerously-skip-permissions", "-p", "hi"), false).toFrame());
                    Ending e = finish(r);
                    yield e.error() != null && e.error().code().equals(ErrorCode.POLICY_DENIED.wireName())
                            ? null
                            : "denied call ended " + e;
                }
                case STALLED -> {
                    raw.write(new byte[] {(byte) 0x02, 0x00, 0x10, 0x00, 0x00}); // REQUEST, 1 MiB announced
                    raw.write(new byte[100]);
                    raw.flush();
                    Ending e = finish(r);
                    yield e.error() != null || e.exit() == null ? null : "stalled handshake ended " + e;
                }
            };
            if (outcome != null) {
                surprise(kind + ": " + outcome);
            }
        } catch (IOException e) {
            if (kind != Kind.DISCONNECT && kind != Kind.STALLED) {
                surprise(kind + ": " + e);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void surprise(String what) {
        UNEXPECTED.incrementAndGet();
        if (SURPRISES.size() < 20) {
            SURPRISES.add(what);
        }
    }

    private static Request request(List<String> argv, boolean terminal) {
        return new Request(argv, Map.of("TERM", "xterm"), "/",
                terminal ? Optional.of(new Terminal(80, 24, "xterm")) : Optional.empty(), "soak");
    }

    /** How a call ended: its exit or its error, and how many stdout bytes came before. */
    record Ending(Exit exit, BridgeError error, long stdout) {}

    /** Sends the request, and stdin once the process may take it (or EOF at once), then reads to the end. */
    private static Ending run(FrameWriter w, FrameReader r, Request request, boolean eofAtOnce, byte[] stdin)
            throws IOException {
        w.write(request.toFrame());
        if (eofAtOnce) {
            w.write(Frame.empty(FrameType.STDIN_EOF));
        } else if (stdin != null) {
            awaitStart(r);
            w.write(new Frame(FrameType.STDIN, stdin));
            w.write(Frame.empty(FrameType.STDIN_EOF));
        }
        return finish(r);
    }

    /** Reads until the daemon grants stdin credit: the process runs. */
    private static void awaitStart(FrameReader r) throws IOException {
        for (Optional<Frame> f = r.read(); f.isPresent(); f = r.read()) {
            if (f.get().type() == FrameType.STDIN_CREDIT) {
                return;
            }
            if (f.get().type() == FrameType.ERROR || f.get().type() == FrameType.EXIT) {
                throw new IOException("ended before it started: " + f.get().type());
            }
        }
        throw new IOException("closed before the process started");
    }

    private static Ending finish(FrameReader r) throws IOException {
        long stdout = 0;
        for (Optional<Frame> f = r.read(); f.isPresent(); f = r.read()) {
            switch (f.get().type()) {
                case STDOUT -> stdout += f.get().payload().length;
                case EXIT -> {
                    return new Ending(Exit.fromFrame(f.get()), null, stdout);
                }
                case ERROR -> {
                    return new Ending(null, BridgeError.fromFrame(f.get()), stdout);
                }
                default -> {} // HELLO, QUEUED, STDIN_CREDIT, STDERR
            }
        }
        return new Ending(null, null, stdout);
    }

    /** Null when the call exited with {@code status} and, unless -1, exactly {@code bytes} of stdout. */
    private static String expectExit(Ending e, int status, long bytes) {
        boolean ok = e.exit() != null && e.exit().shellStatus() == status && (bytes < 0 || e.stdout() == bytes);
        return ok ? null : "expected status " + status + (bytes < 0 ? "" : " and " + bytes + " bytes") + ", got " + e;
    }

    record Audit(long starts, long ends, long calls, List<String> problems) {
        boolean balanced() {
            return problems.isEmpty();
        }

        String verdict() {
            return balanced() ? "ok" : problems.get(0);
        }
    }

    /** Waits (60 s at most) until every call has its end record and the daemon's children are back to idle. */
    private static Audit settle(Path audit, long pid, long idleChildren) throws IOException, InterruptedException {
        long until = System.nanoTime() + 60_000_000_000L;
        Audit a = audit(audit);
        while (System.nanoTime() < until && (a.ends() < CALLS.get() || sample(pid).children() != idleChildren)) {
            Thread.sleep(200);
            a = audit(audit);
        }
        return a;
    }

    /** Every start has exactly one end, no request ends twice, and there is one end per call made. */
    private static Audit audit(Path file) throws IOException {
        readNewRecords(file);
        List<String> problems = new ArrayList<>();
        RECORDS.forEach((id, c) -> {
            if (c[0] > 1 || c[1] != 1) {
                problems.add(id + ": " + c[0] + " start, " + c[1] + " end");
            }
        });
        long starts = RECORDS.values().stream().mapToLong(c -> c[0]).sum();
        long ends = RECORDS.values().stream().mapToLong(c -> c[1]).sum();
        long calls = CALLS.get();
        if (ends != calls) {
            problems.add(0, ends + " ends for " + calls + " calls");
        }
        return new Audit(starts, ends, calls, problems);
    }

    /** Starts and ends by request id, read as the log grows (whole lines only: the last may be half written). */
    private static final Map<String, int[]> RECORDS = new HashMap<>();

    private static long auditRead;

    private static void readNewRecords(Path file) throws IOException {
        byte[] grown;
        try (FileChannel ch = FileChannel.open(file)) {
            ByteBuffer b = ByteBuffer.allocate((int) (ch.size() - auditRead));
            while (b.hasRemaining() && ch.read(b, auditRead + b.position()) > 0) {
                // a regular file: reads until the size it had
            }
            grown = b.array();
        }
        int whole = 0;
        for (int i = grown.length - 1; i >= 0; i--) {
            if (grown[i] == '\n') {
                whole = i + 1;
                break;
            }
        }
        auditRead += whole;
        Matcher m = RECORD.matcher(new String(grown, 0, whole, StandardCharsets.UTF_8));
        while (m.find()) {
            RECORDS.computeIfAbsent(m.group(2), id -> new int[2])[m.group(1).equals("start") ? 0 : 1]++;
        }
    }

    private static Sample sample(long pid) throws IOException {
        Path proc = Path.of("/proc", Long.toString(pid));
        long rss = Files.readAllLines(proc.resolve("status")).stream()
                .filter(l -> l.startsWith("VmRSS:"))
                .mapToLong(l -> Long.parseLong(l.replaceAll("[^0-9]", "")))
                .findFirst()
                .orElseThrow();
        long threads;
        try (var s = Files.list(proc.resolve("task"))) {
            threads = s.count();
        }
        long fds = 0;
        try (var s = Files.list(proc.resolve("fd"))) {
            for (Path fd : s.toList()) {
                try {
                    // the JDK's pollers, one per carrier thread, bounded by the carriers, not by requests
                    if (!Files.readSymbolicLink(fd).toString().equals("anon_inode:[eventpoll]")) {
                        fds++;
                    }
                } catch (IOException e) {
                    // closed while listed
                }
            }
        }
        long children = ProcessHandle.of(pid).orElseThrow().descendants().filter(Soak::alive).count();
        return new Sample(rss, threads, fds, children);
    }

    /** Present and not a zombie (a reaped-late child does not count). */
    private static boolean alive(ProcessHandle h) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(h.pid()), "stat"));
            char state = stat.charAt(stat.lastIndexOf(')') + 2);
            return state != 'Z' && state != 'X';
        } catch (IOException e) {
            return false;
        }
    }
}
