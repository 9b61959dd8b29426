package dev.claudebridge.daemon.exec;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A host process whose stdout or stderr is a regular file of the daemon's: what it writes is read back whole. */
@Timeout(value = 60, unit = SECONDS)
class OutputFileSpawnTest {
    private static final Map<String, String> ENV = Map.of("PATH", "/usr/bin:/bin", "LC_ALL", "C.UTF-8");

    @TempDir
    Path tmp;

    private final List<HostProcess> started = new ArrayList<>();

    @AfterEach
    void endEverythingStarted() throws Exception {
        for (HostProcess p : started) {
            p.terminateTree(Duration.ZERO);
            p.termination().get(10, SECONDS);
            p.stdout().close();
            p.stderr().close();
        }
    }

    private HostProcess start(StdioTarget out, StdioTarget err, String script) {
        HostProcess p = HostProcess.start(
                new ProcessSpec(List.of("/bin/sh", "-c", script), ENV, tmp).withStdio(StdioTarget.DEV_NULL, out, err));
        started.add(p);
        return p;
    }

    @Test
    void stdoutIsARegularFileAndEverythingWrittenIsReadUntilTheProcessEnds() throws Exception {
        HostProcess p = start(
                StdioTarget.FILE,
                StdioTarget.DEFAULT,
                "stat -L -c %F /proc/$$/fd/1; echo one; sleep 0.3; echo two; echo three >&2");

        assertThat(new String(p.stdout().readAllBytes(), StandardCharsets.UTF_8))
                .matches("regular (empty )?file\none\ntwo\n");
        assertThat(new String(p.stderr().readAllBytes(), StandardCharsets.UTF_8))
                .isEqualTo("three\n");
        assertThat(p.termination().get(10, SECONDS).value()).isZero();
    }

    @Test
    void aDescendantThatStillHoldsTheFileAfterTheLeaderExitedIsWaitedFor() throws Exception {
        // the leader exits at once; its child writes later, as long as a pipe's writer would be read
        HostProcess p =
                start(StdioTarget.FILE, StdioTarget.FILE, "(sleep 1; echo late; echo late-err >&2) & echo early");

        assertThat(new String(p.stdout().readAllBytes(), StandardCharsets.UTF_8))
                .isEqualTo("early\nlate\n");
        assertThat(new String(p.stderr().readAllBytes(), StandardCharsets.UTF_8))
                .isEqualTo("late-err\n");
    }

    @Test
    void appendModeIsTheProcesssToo() throws Exception {
        HostProcess p = start(
                StdioTarget.FILE_APPEND,
                StdioTarget.FILE,
                "sed -n 's/^flags:[[:space:]]*//p' /proc/$$/fdinfo/1 /proc/$$/fdinfo/2");

        String[] flags = new String(p.stdout().readAllBytes(), StandardCharsets.UTF_8)
                .trim()
                .split("\n");
        assertThat(Integer.parseInt(flags[0], 8) & 02000).as("O_APPEND on fd 1").isNotZero();
        assertThat(Integer.parseInt(flags[1], 8) & 02000)
                .as("no O_APPEND on fd 2")
                .isZero();
        assertThat(Integer.parseInt(flags[0], 8) & 3).as("write-only").isEqualTo(1);
    }

    @Test
    void theFileHasNoNameInAPrivateDirectoryAndAnotherUsersDirectoryIsRefused() throws Exception {
        Path dir = tmp.resolve("out");
        try (OutputFile f = OutputFile.create(dir)) {
            assertThat(f.size()).isZero();
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)))
                    .isEqualTo("rwx------");
            try (var names = Files.list(dir)) {
                assertThat(names.toList()).isEmpty();
            }
        }
        Path open = Files.createDirectory(
                tmp.resolve("open"),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        assertThatThrownBy(() -> OutputFile.create(open))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("0700");
    }
}
