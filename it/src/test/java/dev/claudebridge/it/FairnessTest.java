package dev.claudebridge.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * One slot, a caller that floods the queue and a quiet caller in a container of its own (a PID
 * namespace) with one request: the quiet one runs after at most one more of the flood's requests, not
 * after all of them. The flood's requests carry different client names, which buy it nothing.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class FairnessTest {
    private static final int FLOOD = 30;
    private static final String WORK_SECONDS = "0.25";

    @Test
    void aQuietClientWaitsForOneTurnOfAFloodingClientAtMost() throws Exception {
        Containers.assumeRoot();
        Path dir = Bridge.tempDir();
        Path spans = Files.createDirectory(dir.resolve("spans"));
        Path claude = Bridge.script(dir, "/load-claude.sh", "load-claude");
        try (Bridge bridge = Bridge.start(
                        dir,
                        Map.of(),
                        Bridge.withClaude(
                                claude, "--max-running", "1", "--rate", "0", "--admin-listen", "127.0.0.1:0"));
                ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<CompletableFuture<LoadClient.Outcome>> flood = new ArrayList<>();
            for (int i = 0; i < FLOOD; i++) {
                // flood-0 holds the slot long enough for the rest of the flood and the quiet request (a JVM starting)
                // to queue
                LoadClient c = LoadClient.call(
                        bridge.socket,
                        "flood-" + i,
                        spans.toString(),
                        "flood-" + i,
                        i == 0 ? "30" : WORK_SECONDS,
                        "10");
                assertThat(c.awaitQueuedOrStarted()).isTrue(); // in the queue before the next one is sent
                flood.add(CompletableFuture.supplyAsync(c::finish, pool));
            }

            CompletableFuture<Bridge.Result> quietCall = CompletableFuture.supplyAsync(
                    () -> Bridge.run(
                            Containers.inPidNamespace(
                                    bridge, dir, "quiet", spans.toString(), "quiet", WORK_SECONDS, "10"),
                            new byte[0]),
                    pool);
            awaitQueued(bridge, FLOOD); // flood-1 .. flood-29 and the quiet one
            Bridge.Result quiet = quietCall.get(120, TimeUnit.SECONDS);

            assertThat(quiet.status()).as("quiet: %s", quiet).isZero();
            Map<String, Long> starts = new HashMap<>();
            try (var files = Files.list(spans)) {
                for (Path span : files.toList()) {
                    String[] f = Files.readString(span).trim().split(" ");
                    starts.put(f[0], Long.parseLong(f[1]));
                }
            }
            long quietStart = starts.get("quiet");
            List<String> before = starts.entrySet().stream()
                    .filter(e -> e.getValue() < quietStart)
                    .map(Map.Entry::getKey)
                    .sorted()
                    .toList();
            // flood-0 was running when quiet arrived; the flood gets one more turn (flood-1), then it is quiet's
            assertThat(before).as("requests started before the quiet one").containsExactly("flood-0", "flood-1");

            for (CompletableFuture<LoadClient.Outcome> f : flood) {
                assertThat(f.get(60, TimeUnit.SECONDS).exitedZero()).isTrue();
            }
        }
    }

    private static void awaitQueued(Bridge bridge, int n) throws Exception {
        String url = bridge.adminUrl() + "/api/status";
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (AdminHttp.JSON.readTree(AdminHttp.get(url).body()).path("queued").asLong() < n) {
            assertThat(System.nanoTime())
                    .as("%d requests queued within 60 s", n)
                    .isLessThan(deadline);
            Bridge.sleep(100);
        }
    }
}
