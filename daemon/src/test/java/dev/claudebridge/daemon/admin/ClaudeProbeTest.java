package dev.claudebridge.daemon.admin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.claudebridge.daemon.exec.ClaudeLocator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Comparator;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ClaudeProbeTest {
    private Path dir;
    private final MovableClock clock = new MovableClock();

    @BeforeEach
    void tempDir() throws IOException {
        dir = Files.createTempDirectory("cbp-");
    }

    @AfterEach
    void cleanUp() throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    private Path script(String body) throws IOException {
        Path p = dir.resolve("claude");
        Files.writeString(p, "#!/bin/sh\n" + body + "\n");
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwx------"));
        return p;
    }

    private ClaudeProbe probe(Path claude, Duration timeout) {
        ClaudeLocator locator = new ClaudeLocator(Optional.of(claude), Map.of("PATH", "/usr/bin:/bin"));
        return new ClaudeProbe(() -> locator, Map.of("PATH", "/usr/bin:/bin"), timeout, Duration.ofSeconds(10), clock);
    }

    @Test
    void anAnsweringClaudeIsReadyAndItsVersionIsKept() throws IOException {
        Path claude = script("[ \"$1\" = --version ] && echo '2.1.197 (Claude Code)' || exit 1");
        ClaudeProbe.State s = probe(claude, Duration.ofSeconds(5)).current();
        assertThat(s.found()).isTrue();
        assertThat(s.answering()).isTrue();
        assertThat(s.version()).isEqualTo("2.1.197 (Claude Code)");
        assertThat(s.path()).isEqualTo(claude.toString());
        assertThat(probe(claude, Duration.ofSeconds(5)).check().ok()).isTrue();
    }

    @Test
    void aFailingClaudeIsNotReadyAndTheDetailShowsItsStatusAndMessage() throws IOException {
        Path claude = script("echo 'cannot load module' >&2; exit 3");
        ReadinessCheck.Outcome o = probe(claude, Duration.ofSeconds(5)).check();
        assertThat(o.ok()).isFalse();
        assertThat(o.detail())
                .contains("--version exited 3")
                .contains("cannot load module")
                .contains(claude.toString());
    }

    @Test
    void aHangingClaudeTimesOutAndIsKilled() throws Exception {
        Path pid = dir.resolve("pid");
        Path claude = script("echo $$ > " + pid + "; exec sleep 30");
        long t0 = System.nanoTime();
        ReadinessCheck.Outcome o = probe(claude, Duration.ofMillis(500)).check();
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5));
        assertThat(o.ok()).isFalse();
        assertThat(o.detail()).contains("did not answer --version within 500 ms");
        long sleeper = Long.parseLong(Files.readString(pid).strip());
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (ProcessHandle.of(sleeper).map(ProcessHandle::isAlive).orElse(false) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(ProcessHandle.of(sleeper).map(ProcessHandle::isAlive).orElse(false))
                .as("the probe's process is ended")
                .isFalse();
    }

    @Test
    void aMissingClaudeSaysWhereItLooked() {
        ClaudeProbe.State s =
                probe(dir.resolve("no-such-claude"), Duration.ofSeconds(5)).current();
        assertThat(s.found()).isFalse();
        assertThat(s.answering()).isFalse();
        assertThat(s.detail()).startsWith("claude not found").contains("no-such-claude");
    }

    @Test
    void theAnswerIsCachedThenAskedAgain() throws IOException {
        Path calls = dir.resolve("calls");
        Path claude = script("echo call >> " + calls + "; echo 1.0.0");
        ClaudeProbe p = probe(claude, Duration.ofSeconds(5));
        p.current();
        p.current();
        clock.advance(Duration.ofSeconds(9));
        p.check();
        assertThat(Files.readAllLines(calls)).hasSize(1);
        clock.advance(Duration.ofSeconds(2));
        p.current();
        assertThat(Files.readAllLines(calls)).hasSize(2);
    }

    /** A clock the test moves by hand. */
    static final class MovableClock extends Clock {
        private Instant now = Instant.parse("2025-01-01T00:00:00Z");

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
