package dev.claudebridge.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A daemon killed with SIGKILL while a request runs: the daemon started after it ends the host tree it
 * left (exactly that tree: pid and start time) and closes the request's audit record with outcome
 * daemon_lost. A daemon that is still alive and shares the audit log is left alone.
 */
class DaemonLostTest {
    private final Path shared = Bridge.tempDir();
    private final Path audit = shared.resolve("audit.log");

    private long[] tree = new long[0];

    @AfterEach
    void clean() {
        // whatever the outcome, nothing this test started outlives it
        Arrays.stream(tree)
                .filter(Proc::running)
                .forEach(p -> ProcessHandle.of(p).ifPresent(ProcessHandle::destroyForcibly));
        Bridge.deleteTree(shared);
    }

    @Test
    void aRestartEndsTheTreeAKilledDaemonLeftAndClosesItsRecord() throws Exception {
        Path pids = shared.resolve("tree.pids");
        try (Bridge first = start()) {
            PathRaceTest.Call call = PathRaceTest.Call.open(
                    first.socket, List.of("tree", pids.toString()), first.dir.toString(), "doomed");
            call.started.get(30, TimeUnit.SECONDS); // the daemon notes the tree before it tells the caller
            tree = awaitPids(pids);
            assertThat(Arrays.stream(tree).allMatch(Proc::running)).isTrue();
            first.daemon().destroyForcibly().waitFor(10, TimeUnit.SECONDS); // kill -9
            call.close();
        }
        try (Bridge second = start()) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (Arrays.stream(tree).anyMatch(Proc::running) && System.nanoTime() < deadline) {
                Bridge.sleep(20);
            }
            assertThat(Arrays.stream(tree).filter(Proc::running).boxed().toList())
                    .as("processes left by the killed daemon")
                    .isEmpty();
            AuditLines lines = new AuditLines(audit);
            JsonNode end = lines.endOf("doomed");
            assertThat(end.path("outcome").asText()).isEqualTo("daemon_lost");
            assertThat(end.path("decision").asText()).isEqualTo("allowed");
            assertThat(lines.of(end.path("id").asText()))
                    .extracting(n -> n.path("event").asText())
                    .containsExactly("start", "end");
            long logged = System.nanoTime() + TimeUnit.SECONDS.toNanos(10); // the warning follows the record
            while (!second.log().contains("daemon_lost") && System.nanoTime() < logged) {
                Bridge.sleep(20);
            }
            assertThat(second.log()).contains("daemon_lost");
            // and it serves
            assertThat(second.run("exit", "4").status()).isEqualTo(4);
        }
        assertThat(lines().stream()
                        .filter(n -> n.path("outcome").asText().equals("daemon_lost"))
                        .count())
                .isEqualTo(1);
    }

    @Test
    void aDaemonStillAliveSharingTheLogIsLeftAlone() throws Exception {
        Path pids = shared.resolve("tree.pids");
        try (Bridge first = start()) {
            PathRaceTest.Call call = PathRaceTest.Call.open(
                    first.socket, List.of("tree", pids.toString()), first.dir.toString(), "alive");
            tree = awaitPids(pids);
            try (Bridge second = start()) {
                assertThat(second.run("exit", "0").status()).isZero();
                assertThat(Arrays.stream(tree).allMatch(Proc::running))
                        .as("the live daemon's tree")
                        .isTrue();
                assertThat(lines()).noneMatch(n -> n.path("outcome").asText().equals("daemon_lost"));
            }
            call.close(); // the caller leaves: the first daemon ends its own tree
            new AuditLines(audit).endOf("alive");
        }
    }

    private Bridge start() {
        Path dir = Bridge.tempDir();
        return Bridge.start(
                dir,
                Map.of(),
                Bridge.withClaude(Bridge.fakeClaude(dir), "--map", dir + "=" + dir, "--audit-log", audit.toString()));
    }

    private List<JsonNode> lines() {
        return new AuditLines(audit).all();
    }

    private static long[] awaitPids(Path file) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!Files.exists(file) && System.nanoTime() < deadline) {
            Bridge.sleep(20);
        }
        return Arrays.stream(Files.readString(file).strip().split(" "))
                .mapToLong(Long::parseLong)
                .toArray();
    }
}
