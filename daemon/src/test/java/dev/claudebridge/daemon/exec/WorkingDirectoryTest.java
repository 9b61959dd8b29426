package dev.claudebridge.daemon.exec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Opening a working directory beneath a root: links may move it within the root, never out of it. */
class WorkingDirectoryTest {
    @TempDir
    Path tmp;

    @Test
    void aPlainDirectoryIsOpenedAndNamed() throws Exception {
        Path root = Files.createDirectories(tmp.resolve("root/a/b"));
        try (WorkingDirectory d = WorkingDirectory.openBeneath(tmp.resolve("root"), Path.of("a/b"))) {
            assertThat(d.path()).isEqualTo(root.toRealPath());
        }
    }

    @Test
    void linksThatStayInsideAreFollowedRelativeOrAbsolute() throws Exception {
        Path root = Files.createDirectories(tmp.resolve("root"));
        Path target = Files.createDirectories(root.resolve("real"));
        Files.createSymbolicLink(root.resolve("rel"), Path.of("real"));
        Files.createSymbolicLink(root.resolve("abs"), target);
        for (String via : new String[] {"rel", "abs"}) {
            try (WorkingDirectory d = WorkingDirectory.openBeneath(root, Path.of(via))) {
                assertThat(d.path()).as(via).isEqualTo(target.toRealPath());
            }
        }
    }

    @Test
    void linksOutOfTheRootAreRefused() throws Exception {
        Path root = Files.createDirectories(tmp.resolve("root"));
        Files.createDirectories(tmp.resolve("outside/x"));
        Files.createSymbolicLink(root.resolve("abs"), tmp.resolve("outside"));
        Files.createSymbolicLink(root.resolve("rel"), Path.of("../outside"));
        Files.createSymbolicLink(root.resolve("proc"), Path.of("/proc/self/cwd"));
        for (String via : new String[] {"abs/x", "rel/x", "rel", "proc"}) {
            assertThatThrownBy(() ->
                            WorkingDirectory.openBeneath(root, Path.of(via)).close())
                    .as(via)
                    .isInstanceOf(WorkingDirectory.OutsideException.class);
        }
    }

    @Test
    void missingAndNonDirectoriesAreRefused() throws Exception {
        Path root = Files.createDirectories(tmp.resolve("root"));
        Files.writeString(root.resolve("file"), "x");
        assertThatThrownBy(() -> WorkingDirectory.openBeneath(root, Path.of("nope")))
                .isInstanceOf(WorkingDirectory.OutsideException.class);
        assertThatThrownBy(() -> WorkingDirectory.openBeneath(root, Path.of("file")))
                .isInstanceOf(WorkingDirectory.OutsideException.class)
                .hasMessageContaining("Not a directory");
    }
}
