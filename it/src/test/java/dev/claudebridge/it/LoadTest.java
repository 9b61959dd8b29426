package dev.claudebridge.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Many agents at once: 200 protocol clients and a few real {@code bin/claude} processes call a fake
 * claude that works 100 ms and prints 1 MiB. All succeed byte for byte, never more than the cap run at
 * once (by the times the fake claude itself wrote down), and the daemon is back to its file descriptors,
 * threads and child processes of before.
 */
@Timeout(value = 150, unit = TimeUnit.SECONDS)
class LoadTest {
    private static final int CAP = 4;
    private static final int RAW_CLIENTS = 200;
    private static final int REAL_CLIENTS = 4;
    private static final int QUICK_CALLS = 100;
    private static final int MIB = 1 << 20;

    @Test
    void twoHundredConcurrentCallsAllSucceedUnderTheCapAndLeaveNothingBehind() throws Exception {
        Path dir = Bridge.tempDir();
        Path spans = Files.createDirectory(dir.resolve("spans"));
        Path claude = Bridge.script(dir, "/load-claude.sh", "load-claude");
        try (Bridge bridge = Bridge.start(
                dir,
                Map.of(),
                Bridge.withClaude(
                        claude,
                        "--max-running",
                        Integer.toString(CAP),
                        // the 200 callers stand for 200 agents, but here they share one identity: lift its per-caller
                        // shares
                        "--max-queued",
                        "300",
                        "--max-connections",
                        "512",
                        "--client-max-connections",
                        "512",
                        "--client-max-queued",
                        "300",
                        "--rate",
                        "0",
                        // the fake claude calls no API: starts need not be spaced, and 240 of them at the
                        // default rate would spend most of the test's time waiting
                        "--start-rate",
                        "0"))) {
            // warm up under load, with a real client too: the JDK starts its I/O pollers (an epoll
            // descriptor each) only when a virtual thread first waits for a slow peer, and its carrier
            // threads as they are needed; they stay for good, so they belong to the baseline
            Bridge.Result warm = Bridge.run(bridge.client(dir, spans.toString(), "warm-real"), new byte[0]);
            assertThat(warm.status()).as("warm-up: %s", warm.stderr()).isZero();
            runRaw(bridge, "warm", 40, spans);
            deleteSpans(spans);
            Bridge.sleep(500);
            long fds = bridge.openFds();
            List<String> fdsBefore = bridge.fdTargets();
            long threads = bridge.threads();
            assertThat(bridge.children()).isEmpty();

            ExecutorService real = Executors.newVirtualThreadPerTaskExecutor();
            List<CompletableFuture<Bridge.Result>> reals = new ArrayList<>();
            for (int i = 0; i < REAL_CLIENTS; i++) {
                String id = "real-" + i;
                reals.add(CompletableFuture.supplyAsync(
                        () -> Bridge.run(bridge.client(dir, spans.toString(), id), new byte[0]), real));
            }
            List<LoadClient.Outcome> raw = runRaw(bridge, "raw", RAW_CLIENTS, spans);
            // and a burst of calls that end at once, their EOF and their exit racing the connection's close
            try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
                List<CompletableFuture<LoadClient.Outcome>> quick = IntStream.range(0, QUICK_CALLS)
                        .mapToObj(i -> CompletableFuture.supplyAsync(
                                () -> {
                                    LoadClient c = LoadClient.call(
                                            bridge.socket, "quick", dir.toString(), "quick-" + i, "now");
                                    c.closeStdin();
                                    return c.finish();
                                },
                                pool))
                        .toList();
                for (CompletableFuture<LoadClient.Outcome> q : quick) {
                    assertThat(q.join().exitedZero()).as("quick: %s", q.join()).isTrue();
                }
            }

            for (int i = 0; i < RAW_CLIENTS; i++) {
                LoadClient.Outcome o = raw.get(i);
                assertThat(o.exitedZero()).as("raw-%d: %s", i, o).isTrue();
                assertThat(o.error()).isEmpty();
                assertThat(Arrays.equals(o.stdout(), expected("raw-" + i)))
                        .as("raw-%d output byte for byte", i)
                        .isTrue();
                assertThat(o.stderr()).isEmpty();
            }
            for (int i = 0; i < REAL_CLIENTS; i++) {
                Bridge.Result r = reals.get(i).get(60, TimeUnit.SECONDS);
                assertThat(r.status()).as("real-%d: %s", i, r.stderr()).isZero();
                assertThat(Arrays.equals(r.stdout(), expected("real-" + i)))
                        .as("real-%d output byte for byte", i)
                        .isTrue();
            }
            real.close();

            List<long[]> all = readSpans(spans);
            assertThat(all).hasSize(RAW_CLIENTS + REAL_CLIENTS);
            int peak = peakOverlap(all);
            assertThat(peak).as("most fake claudes running at once").isLessThanOrEqualTo(CAP);
            assertThat(peak)
                    .as("the cap was reached, so the check above means something")
                    .isEqualTo(CAP);

            // back to the baseline: every socket and pipe closed, every thread gone, no child left
            awaitAtMost(
                    bridge::openFds,
                    fds,
                    "open file descriptors (before: " + fdsBefore + ", now: " + bridge.fdTargets() + ")");
            awaitAtMost(() -> bridge.children().size(), 0, "child processes");
            // the JVM's own threads (JIT compilers, carrier threads) come and go a little
            awaitAtMost(bridge::threads, threads + 2, "threads");
        }
    }

    /** Runs {@code n} protocol clients at once, each on a virtual thread, and returns their outcomes in order. */
    private static List<LoadClient.Outcome> runRaw(Bridge bridge, String prefix, int n, Path spans) {
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<CompletableFuture<LoadClient.Outcome>> calls = IntStream.range(0, n)
                    .mapToObj(i -> CompletableFuture.supplyAsync(
                            () -> {
                                LoadClient c = LoadClient.call(
                                        bridge.socket, prefix + "-" + (i % 10), spans.toString(), prefix + "-" + i);
                                if (i % 2 == 0) {
                                    c.closeStdin(); // half of them as a client whose stdin is empty: EOF before
                                    // the process starts
                                }
                                return c.finish();
                            },
                            pool))
                    .toList();
            return calls.stream().map(CompletableFuture::join).toList();
        }
    }

    /** What load-claude prints for this id: its line repeated, cut at 1 MiB. */
    static byte[] expected(String id) {
        byte[] line = (id + " abcdefghijklmnopqrstuvwxyz\n").getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[MIB];
        for (int i = 0; i < MIB; i++) {
            out[i] = line[i % line.length];
        }
        return out;
    }

    /** Each span file: "ID START_NS END_NS"; returns [start, end] pairs. */
    static List<long[]> readSpans(Path spans) throws IOException {
        try (Stream<Path> files = Files.list(spans)) {
            return files.filter(p -> p.toString().endsWith(".span"))
                    .map(p -> {
                        try {
                            String[] f = Files.readString(p).trim().split(" ");
                            return new long[] {Long.parseLong(f[1]), Long.parseLong(f[2])};
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                    })
                    .toList();
        }
    }

    /** The largest number of spans that overlap at one instant. */
    static int peakOverlap(List<long[]> spans) {
        List<long[]> events = new ArrayList<>();
        for (long[] s : spans) {
            events.add(new long[] {s[0], 1});
            events.add(new long[] {s[1], -1});
        }
        // at equal times count the end first: touching spans do not overlap
        events.sort((a, b) -> a[0] != b[0] ? Long.compare(a[0], b[0]) : Long.compare(a[1], b[1]));
        int now = 0;
        int peak = 0;
        for (long[] e : events) {
            now += (int) e[1];
            peak = Math.max(peak, now);
        }
        return peak;
    }

    private static void deleteSpans(Path spans) throws IOException {
        try (Stream<Path> files = Files.list(spans)) {
            for (Path p : files.toList()) {
                Files.delete(p);
            }
        }
    }

    private static void awaitAtMost(LongSupplier value, long limit, String what) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (value.getAsLong() > limit && System.nanoTime() < deadline) {
            Bridge.sleep(100);
        }
        assertThat(value.getAsLong()).as(what + " after the load").isLessThanOrEqualTo(limit);
    }
}
