package dev.claudebridge.daemon.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The audit log forces lines in groups: concurrent appends share fsyncs, and still no append returns
 * before a finished fsync covered its own line. The forces are real ({@code force(false)}, on the test's
 * disk); the test only watches each one: the file's size when it began, and that it ended.
 */
class AuditGroupCommitTest {
    private static final int THREADS = 16;
    private static final int PER_THREAD = 20;

    @TempDir
    Path dir;

    /** Each force: the file's size when it began (what it covers), set once it has ended. */
    private final ConcurrentLinkedQueue<Long> forcedSizes = new ConcurrentLinkedQueue<>();

    private AuditLog.Forcer watching(long slowMillis) {
        return c -> {
            long covers = c.size();
            try {
                Thread.sleep(slowMillis); // a slow disk: appends meanwhile wait for the next force together
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            c.force(false);
            forcedSizes.add(covers);
        };
    }

    @Test
    void concurrentAppendsShareForcesAndEachReturnsOnlyOnceItsLineIsForced() throws Exception {
        Path p = dir.resolve("audit.log");
        List<String> violations = new ArrayList<>();
        try (AuditLog log = AuditLog.open(p, 1 << 24, 2, watching(5))) {
            CountDownLatch go = new CountDownLatch(1);
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                int id = t;
                threads.add(Thread.ofPlatform().start(() -> {
                    try {
                        go.await();
                        for (int i = 0; i < PER_THREAD; i++) {
                            String line = "{\"thread\":" + id + ",\"n\":" + i + "}";
                            log.append(line);
                            // where the line ends in the file: a force that began at or past it covers it
                            long end = endOf(p, line);
                            if (forcedSizes.stream().noneMatch(s -> s >= end)) {
                                synchronized (violations) {
                                    violations.add(line + " returned before a force covered it (ends at " + end + ")");
                                }
                            }
                        }
                    } catch (Exception e) {
                        synchronized (violations) {
                            violations.add(e.toString());
                        }
                    }
                }));
            }
            go.countDown();
            for (Thread t : threads) {
                t.join();
            }
            assertThat(violations).isEmpty();
            assertThat(Files.readAllLines(p)).hasSize(THREADS * PER_THREAD);
            // shared: with a force taking 5 ms and 16 writers, many lines go to the device in one force
            assertThat(log.forces()).isLessThan(THREADS * PER_THREAD / 2);
            assertThat((long) forcedSizes.size()).isEqualTo(log.forces());
        }
    }

    @Test
    void aLoneAppendForcesItsOwnLineBeforeReturning() throws IOException {
        Path p = dir.resolve("alone.log");
        try (AuditLog log = AuditLog.open(p, 1 << 20, 2, watching(0))) {
            for (int i = 0; i < 5; i++) {
                log.append("{\"n\":" + i + "}");
                assertThat(log.forces()).isEqualTo(i + 1);
                assertThat(forcedSizes).contains(Files.size(p));
            }
            log.appendEnd("{\"end\":1}");
            assertThat(log.forces()).isEqualTo(6);
            assertThat(forcedSizes).contains(Files.size(p));
        }
    }

    @Test
    void rotationForcesWhatTheOldFileHolds() throws IOException {
        Path p = dir.resolve("rot.log");
        try (AuditLog log = AuditLog.open(p, 250, 2, watching(0))) {
            for (int i = 0; i < 6; i++) {
                log.append("x".repeat(99));
            }
        }
        assertThat(Files.readAllLines(p)).hasSize(2);
        assertThat(Files.readAllLines(dir.resolve("rot.log.1"))).hasSize(2);
        assertThat(Files.readAllLines(dir.resolve("rot.log.2"))).hasSize(2);
    }

    private static long endOf(Path p, String line) throws IOException {
        String all = Files.readString(p, StandardCharsets.UTF_8);
        int at = all.indexOf(line + "\n");
        assertThat(at).isNotNegative();
        return all.substring(0, at).getBytes(StandardCharsets.UTF_8).length
                + line.getBytes(StandardCharsets.UTF_8).length
                + 1L;
    }
}
