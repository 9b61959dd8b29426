package dev.claudebridge.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The caller's working directory becomes the mapped host directory, or the request is refused. */
class CwdMappingTest {
    private static Path dir;
    private static Path workspace;
    private static Bridge bridge;

    @BeforeAll
    static void start() throws Exception {
        dir = Bridge.tempDir();
        workspace = Files.createDirectories(dir.resolve("host-ws/sub dir/é"));
        Files.createDirectories(dir.resolve("outside"));
        Files.createSymbolicLink(dir.resolve("host-ws/escape"), dir.resolve("outside"));
        // the "container" path here is the host path itself: the namespace test covers distinct paths
        Path ws = dir.resolve("host-ws");
        bridge = Bridge.start(dir, Map.of(), Bridge.withClaude(Bridge.fakeClaude(dir), "--map", ws + "=" + ws));
    }

    @AfterAll
    static void stop() {
        bridge.close();
    }

    @Test
    void cwdInsideAMappingIsUsed() throws Exception {
        Bridge.Result r = Bridge.run(bridge.client(workspace, "cwd"), new byte[0]);
        assertThat(r.status()).as(r.toString()).isZero();
        assertThat(r.out().strip()).isEqualTo(workspace.toRealPath().toString());
    }

    @Test
    void cwdOutsideEveryMappingIsRefusedNamingTheMappings() {
        Bridge.Result r = Bridge.run(bridge.client(dir.resolve("outside"), "cwd"), new byte[0]);
        assertThat(r.status()).isEqualTo(65);
        assertThat(r.stdout()).isEmpty();
        assertThat(r.stderr())
                .contains("the working directory " + dir.resolve("outside") + " is not under any mapped path")
                .contains(dir.resolve("host-ws") + "=" + dir.resolve("host-ws"));
    }

    @Test
    void aSymlinkOutOfTheMappingIsRefused() {
        Bridge.Result r = Bridge.run(bridge.client(dir.resolve("host-ws/escape"), "cwd"), new byte[0]);
        // the JVM reports its cwd with symlinks resolved, so the request names the real path, outside the mapping
        assertThat(r.status()).isEqualTo(65);
        assertThat(r.stdout()).isEmpty();
        assertThat(r.stderr()).contains("not under any mapped path");
    }

    @Test
    void refusalsAreLoggedWithTheirOutcome() {
        Bridge.run(bridge.client(dir.resolve("outside"), "cwd"), new byte[0]);
        assertThat(bridge.log()).contains("outcome=cwd_not_mapped");
        assertThat(List.of(bridge.log().split("\n")))
                .anyMatch(l -> l.contains("outcome=exit 0") || l.contains("outcome=cwd_not_mapped"));
    }
}
