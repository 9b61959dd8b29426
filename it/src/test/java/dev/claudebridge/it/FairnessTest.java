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
 * One slot, a client that floods the queue and a quiet client with one request: the quiet one runs
 * after at most one more of the flood's requests, not after all of them.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class FairnessTest {
    private static final int FLOOD = 30;
    private static final String WORK_SECONDS = "0.25";

    @Test
    void aQuietClientWaitsForOneTurnOfAFloodingClientAtMost() throws Exception {
        Path dir = Bridge.tempDir();
        Path spans = Files.createDirectory(dir.resolve("spans"));
        Path claude = Bridge.script(dir, "/load-claude.sh", "load-claude");
        try (Bridge bridge = Bridge.start(dir, Map.of(), Bridge.withClaude(claude, "--max-running", "1", "--rate", "0"));
                ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<CompletableFuture<LoadClient.Outcome>> flood = new ArrayList<>();
            for (int i = 0; i < FLOOD; i++) {
                // flood-0 holds the slot for 2 s, long enough for the rest of the flood and the quiet request to queue
                LoadClient c = LoadClient.call(bridge.socket, "flood", spans.toString(), "flood-" + i, i == 0 ? "2" : WORK_SECONDS, "10");
                assertThat(c.awaitQueuedOrStarted()).isTrue(); // in the queue before the next one is sent
                flood.add(CompletableFuture.supplyAsync(c::finish, pool));
            }

            LoadClient quietCall = LoadClient.call(bridge.socket, "quiet", spans.toString(), "quiet", WORK_SECONDS, "10");
            assertThat(quietCall.awaitQueuedOrStarted()).isTrue();
            long queuedAt = System.nanoTime();
            LoadClient.Outcome quiet = quietCall.finish();
            long waited = TimeUnit.NANOSECONDS.toMillis(quiet.startedNanos() - queuedAt);

            assertThat(quiet.exitedZero()).as("quiet: %s", quiet).isTrue();
            assertThat(quiet.notices().getFirst().position()).as("told on arrival that one request is ahead of it").isEqualTo(2);
            Map<String, Long> starts = new HashMap<>();
            try (var files = Files.list(spans)) {
                for (Path span : files.toList()) {
                    String[] f = Files.readString(span).trim().split(" ");
                    starts.put(f[0], Long.parseLong(f[1]));
                }
            }
            long quietStart = starts.get("quiet");
            List<String> before = starts.entrySet().stream().filter(e -> e.getValue() < quietStart).map(Map.Entry::getKey).sorted().toList();
            // flood-0 was running when quiet arrived; the flood gets one more turn (flood-1), then it is quiet's
            assertThat(before).as("requests started before the quiet one").containsExactly("flood-0", "flood-1");
            assertThat(waited).as("quiet request's wait in ms (first come, first served would be about 9000)").isLessThan(3000);

            for (CompletableFuture<LoadClient.Outcome> f : flood) {
                assertThat(f.get(60, TimeUnit.SECONDS).exitedZero()).isTrue();
            }
        }
    }
}
