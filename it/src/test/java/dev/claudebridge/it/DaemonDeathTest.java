package dev.claudebridge.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A daemon killed with SIGKILL while a request runs: with a cgroup per request, its watcher ends the
 * whole host tree within seconds, a setsid escapee included, with no restart; the daemon started later
 * still closes the request's audit record as daemon_lost.
 */
class DaemonDeathTest {
    private static final Pattern CGROUP_DIR = Pattern.compile("one cgroup per request under (\\S+) \\(");
    private final Path shared = Bridge.tempDir();
    private final Path audit = shared.resolve("audit.log");

    private long[] tree = new long[0];

    @AfterEach
    void clean() {
        Arrays.stream(tree)
                .filter(Proc::running)
                .forEach(p -> ProcessHandle.of(p).ifPresent(ProcessHandle::destroyForcibly));
        Bridge.deleteTree(shared);
    }

    @Test
    void theWatcherEndsTheTreeOfAKilledDaemonWithoutARestart() throws Exception {
        Path pids = shared.resolve("tree.pids");
        Path cgroup;
        try (Bridge first = start()) {
            PathRaceTest.Call call = PathRaceTest.Call.open(
                    first.socket, List.of("escape", pids.toString()), first.dir.toString(), "doomed");
            call.started.get(30, TimeUnit.SECONDS);
            tree = awaitPids(pids);
            Matcher m = CGROUP_DIR.matcher(first.log());
            assumeTrue(
                    m.find(),
                    () -> "needs a cgroup per request; the daemon logged: "
                            + first.log()
                                    .lines()
                                    .filter(l -> l.contains("host process trees"))
                                    .findFirst()
                                    .orElse("(no mode line)"));
            cgroup = Path.of(m.group(1));
            assertThat(tree).hasSize(3);
            assertThat(Arrays.stream(tree).allMatch(Proc::running))
                    .as("leader, TERM-proof child, setsid escapee")
                    .isTrue();
            assertThat(Files.readString(Path.of("/proc", Long.toString(tree[2]), "cgroup")))
                    .as("the escapee is in the request's cgroup")
                    .contains(cgroup.getFileName().toString() + "/request-");

            first.daemon().destroyForcibly().waitFor(10, TimeUnit.SECONDS); // kill -9, and no restart yet
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while ((Arrays.stream(tree).anyMatch(Proc::running) || Files.exists(cgroup))
                    && System.nanoTime() < deadline) {
                Bridge.sleep(20);
            }
            assertThat(Arrays.stream(tree).filter(Proc::running).boxed().toList())
                    .as("processes left by the killed daemon")
                    .isEmpty();
            assertThat(cgroup).as("the daemon's cgroup, removed by its watcher").doesNotExist();
            call.close();
        }
        try (Bridge second = start()) {
            AuditLines lines = new AuditLines(audit);
            JsonNode end = lines.endOf("doomed");
            assertThat(end.path("outcome").asText()).isEqualTo("daemon_lost");
            assertThat(second.run("exit", "4").status()).isEqualTo(4);
        }
    }

    private Bridge start() {
        Path dir = Bridge.tempDir();
        return Bridge.start(
                dir,
                Map.of(),
                Bridge.withClaude(Bridge.fakeClaude(dir), "--map", dir + "=" + dir, "--audit-log", audit.toString()));
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
