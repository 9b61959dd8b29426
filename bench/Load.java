import dev.claudebridge.protocol.BridgeError;
import dev.claudebridge.protocol.Exit;
import dev.claudebridge.protocol.Frame;
import dev.claudebridge.protocol.FrameReader;
import dev.claudebridge.protocol.FrameType;
import dev.claudebridge.protocol.FrameWriter;
import dev.claudebridge.protocol.Hello;
import dev.claudebridge.protocol.Request;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The load figures of docs/BENCHMARKS.md, run by bench/load.sh: trivial requests per second through a
 * running daemon at concurrency 1, 8 and 64; the latency a request gains at concurrency 64 over
 * spawning the same program directly; the daemon's resident memory idle and with 200 connections open.
 * Speaks the protocol itself (virtual threads), so the figures are the daemon's, not client JVM start-ups.
 *
 *   java -cp PROTOCOL_JAR bench/Load.java throughput SOCKET FAKE_CLAUDE SECONDS
 *   java -cp PROTOCOL_JAR bench/Load.java connections SOCKET DAEMON_PID N
 */
public class Load {
    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "throughput" -> throughput(Path.of(args[1]), Path.of(args[2]), Double.parseDouble(args[3]));
            case "connections" -> connections(
                    Path.of(args[1]), Long.parseLong(args[2]), Integer.parseInt(args[3]), args.length > 4 ? args[4] : "/");
            default -> throw new IllegalArgumentException("unknown mode " + args[0]);
        }
    }

    // ---------------------------------------------------------------------------------------------

    private static void throughput(Path socket, Path fake, double seconds) throws Exception {
        run(8, seconds / 2, true, () -> call(socket, "true")); // warm-up: JIT, thread pools
        long failed = 0;
        for (int c : new int[] {1, 8, 64}) {
            Result r = run(c, seconds, true, () -> call(socket, "true"));
            failed += r.failed();
            System.out.printf("concurrency %2d: %7.1f requests/s (%d in %.1f s, %d failed); latency p50 %.1f ms, p99 %.1f ms%n",
                    c, r.rate(), r.count(), r.seconds(), r.failed(), r.percentile(50), r.percentile(99));
            if (c == 64) {
                // platform threads: a process's pipes and waitFor would pin virtual threads to the two carriers
                Result direct = run(c, seconds, false, () -> spawn(fake));
                System.out.printf("direct spawn, concurrency 64: %7.1f/s; latency p50 %.1f ms, p99 %.1f ms%n",
                        direct.rate(), direct.percentile(50), direct.percentile(99));
                // percentiles do not subtract exactly; at the tail both sides are 64 processes queueing for the cores
                System.out.printf("added by the bridge at concurrency 64 (bridged minus direct): p50 %+.1f ms, p99 %+.1f ms%n",
                        r.percentile(50) - direct.percentile(50), r.percentile(99) - direct.percentile(99));
            }
        }
        if (failed > 0) { // a refusal or a lost call: the figures would be a limit's, not the daemon's
            System.exit(1);
        }
    }

    /** One whole call of the fake claude's {@code true}: connect, handshake, request, EXIT. */
    private static boolean call(Path socket, String... argv) {
        try (SocketChannel ch = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
            FrameWriter w = new FrameWriter(Channels.newOutputStream(ch));
            FrameReader r = new FrameReader(new BufferedInputStream(Channels.newInputStream(ch)));
            w.write(new Hello(Hello.VERSION, "bench-load").toFrame());
            w.write(new Request(List.of(argv), Map.of(), "/", Optional.empty(), "bench").toFrame());
            w.write(Frame.empty(FrameType.STDIN_EOF));
            while (true) {
                Optional<Frame> f = r.read();
                if (f.isEmpty()) {
                    return false;
                }
                if (f.get().type() == FrameType.EXIT) {
                    return Exit.fromFrame(f.get()).shellStatus() == 0;
                }
                if (f.get().type() == FrameType.ERROR) {
                    System.err.println("error: " + BridgeError.fromFrame(f.get()).message());
                    return false;
                }
            }
        } catch (IOException e) {
            return false;
        }
    }

    private static boolean spawn(Path fake) {
        try {
            Process p = new ProcessBuilder(fake.toString(), "true").redirectErrorStream(true).start();
            p.getOutputStream().close();
            p.getInputStream().readAllBytes();
            return p.waitFor() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private record Result(long count, long failed, double seconds, long[] latenciesNanos) {
        double rate() {
            return count / seconds;
        }

        double percentile(int p) {
            if (latenciesNanos.length == 0) {
                return Double.NaN;
            }
            int i = (int) Math.ceil(p / 100.0 * latenciesNanos.length) - 1;
            return latenciesNanos[Math.max(0, i)] / 1e6;
        }
    }

    interface Call {
        boolean run();
    }

    /** {@code concurrency} workers (virtual or platform threads) calling back to back for {@code seconds}. */
    private static Result run(int concurrency, double seconds, boolean virtual, Call call) throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        List<Future<long[]>> workers = new ArrayList<>();
        long start = System.nanoTime();
        try (ExecutorService pool = virtual ? Executors.newVirtualThreadPerTaskExecutor() : Executors.newFixedThreadPool(concurrency)) {
            for (int i = 0; i < concurrency; i++) {
                workers.add(pool.submit(() -> {
                    List<Long> lat = new ArrayList<>();
                    long failed = 0;
                    while (!stop.get()) {
                        long t = System.nanoTime();
                        if (call.run()) {
                            lat.add(System.nanoTime() - t);
                        } else {
                            failed++;
                        }
                    }
                    long[] out = new long[lat.size() + 1];
                    out[0] = failed;
                    for (int j = 0; j < lat.size(); j++) {
                        out[j + 1] = lat.get(j);
                    }
                    return out;
                }));
            }
            Thread.sleep((long) (seconds * 1000));
            stop.set(true);
        }
        double elapsed = (System.nanoTime() - start) / 1e9;
        long failed = 0;
        List<long[]> parts = new ArrayList<>();
        for (Future<long[]> f : workers) {
            long[] w = f.get();
            failed += w[0];
            parts.add(Arrays.copyOfRange(w, 1, w.length));
        }
        long[] all = parts.stream().flatMapToLong(Arrays::stream).sorted().toArray();
        return new Result(all.length, failed, elapsed, all);
    }

    // ---------------------------------------------------------------------------------------------

    /** Opens {@code n} connections, each with a request that reads its stdin until closed, then reports the daemon's RSS. */
    /** @param cwd the requests' working directory: "/" for a daemon without mappings (a scratch directory) */
    private static void connections(Path socket, long pid, int n, String cwd) throws Exception {
        System.out.printf("idle: RSS %d MiB, %d threads%n", rssKib(pid) / 1024, threads(pid));
        List<SocketChannel> open = new ArrayList<>();
        try {
            for (int i = 0; i < n; i++) {
                SocketChannel ch = SocketChannel.open(UnixDomainSocketAddress.of(socket));
                FrameWriter w = new FrameWriter(Channels.newOutputStream(ch));
                w.write(new Hello(Hello.VERSION, "bench-load").toFrame());
                w.write(new Request(List.of("in"), Map.of(), cwd, Optional.empty(), "bench-" + i).toFrame());
                open.add(ch);
            }
            Thread.sleep(3000); // let them all be admitted or queued
            System.out.printf("%d connections: RSS %d MiB, %d threads%n", n, rssKib(pid) / 1024, threads(pid));
        } finally {
            int refused = 0;
            String firstRefusal = "";
            for (SocketChannel ch : open) {
                try {
                    new FrameWriter(Channels.newOutputStream(ch)).write(Frame.empty(FrameType.STDIN_EOF));
                } catch (IOException e) {
                    // gone already
                }
            }
            for (SocketChannel ch : open) {
                try (ch) {
                    FrameReader r = new FrameReader(new BufferedInputStream(Channels.newInputStream(ch)));
                    for (Optional<Frame> f = r.read(); f.isPresent(); f = r.read()) {
                        if (f.get().type() == FrameType.ERROR && refused++ == 0) {
                            firstRefusal = BridgeError.fromFrame(f.get()).message();
                        }
                        if (f.get().type() == FrameType.EXIT || f.get().type() == FrameType.ERROR) {
                            break;
                        }
                    }
                } catch (IOException e) {
                    // gone already
                }
            }
            // a refused connection measures a cap, not the daemon holding n requests
            if (refused > 0) {
                System.out.printf("%d of %d connections refused, the first with: %s%n", refused, n, firstRefusal);
                System.exit(1);
            }
        }
    }

    private static long rssKib(long pid) throws IOException {
        return Files.readAllLines(Path.of("/proc", Long.toString(pid), "status")).stream().filter(l -> l.startsWith("VmRSS:"))
                .map(l -> Long.parseLong(l.replaceAll("[^0-9]", ""))).findFirst().orElseThrow();
    }

    private static long threads(long pid) throws IOException {
        try (var s = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
            return s.count();
        }
    }
}
