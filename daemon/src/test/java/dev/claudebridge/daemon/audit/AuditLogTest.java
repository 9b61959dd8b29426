package dev.claudebridge.daemon.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuditLogTest {
    @TempDir
    Path dir;

    @Test
    void appendsWholeLinesAndCreatesPrivateFiles() throws IOException {
        Path p = dir.resolve("sub/audit.log");
        try (AuditLog log = AuditLog.open(p, 1 << 20, 3)) {
            log.append("{\"a\":1}");
            log.append("{\"b\":\"é\"}");
        }
        assertThat(Files.readAllLines(p)).containsExactly("{\"a\":1}", "{\"b\":\"é\"}");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(p)))
                .isEqualTo("rw-r-----");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(p.getParent())))
                .isEqualTo("rwxr-x---");
        try (AuditLog again = AuditLog.open(p, 1 << 20, 3)) {
            again.append("{\"c\":3}");
        }
        assertThat(Files.readAllLines(p)).hasSize(3);
    }

    @Test
    void rotatesBySizeKeepingTheNewestFiles() throws IOException {
        Path p = dir.resolve("audit.log");
        String line = "x".repeat(99); // 100 bytes with the newline
        try (AuditLog log = AuditLog.open(p, 250, 2)) {
            for (int i = 0; i < 9; i++) {
                log.append(line.substring(1) + i);
            }
        }
        // 2 lines per file: .log holds 8; .1 holds 6-7; .2 holds 4-5; 0-3 are gone
        assertThat(Files.readAllLines(p))
                .singleElement()
                .satisfies(l -> assertThat(l).endsWith("8"));
        assertThat(Files.readAllLines(dir.resolve("audit.log.1")))
                .extracting(l -> l.substring(98))
                .containsExactly("6", "7");
        assertThat(Files.readAllLines(dir.resolve("audit.log.2")))
                .extracting(l -> l.substring(98))
                .containsExactly("4", "5");
        assertThat(dir.resolve("audit.log.3")).doesNotExist();
        for (Path f : List.of(p, dir.resolve("audit.log.1"), dir.resolve("audit.log.2"))) {
            assertThat(Files.size(f)).isLessThanOrEqualTo(250);
        }
    }

    @Test
    void keepZeroStartsAfresh() throws IOException {
        Path p = dir.resolve("audit.log");
        try (AuditLog log = AuditLog.open(p, 150, 0)) {
            log.append("a".repeat(99));
            log.append("b".repeat(99));
        }
        assertThat(Files.readAllLines(p)).containsExactly("b".repeat(99));
        try (var files = Files.list(dir)) { // the log and its reserve for end records, no rotated file
            assertThat(files.map(f -> f.getFileName().toString()))
                    .containsExactlyInAnyOrder("audit.log", "audit.log.reserve");
        }
    }

    @Test
    void aLineLongerThanTheLimitStillGoesInWhole() throws IOException {
        Path p = dir.resolve("audit.log");
        try (AuditLog log = AuditLog.open(p, 10, 1)) {
            log.append("0123456789abcdef");
            log.append("next");
        }
        assertThat(Files.readAllLines(dir.resolve("audit.log.1"))).containsExactly("0123456789abcdef");
        assertThat(Files.readAllLines(p)).containsExactly("next");
    }
}
