package dev.claudebridge.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A "container" made of Linux namespaces: a private mount namespace and a new root in which the
 * daemon's socket is bind-mounted at /host/claude-bridge.sock and a host directory at /workspace, as
 * docker-compose would. The client runs inside from /workspace/sub; the host process must run in the
 * host directory that /workspace/sub maps to.
 */
class ContainerNamespaceTest {
    private static Path dir;
    private static Path hostWorkspace;
    private static Bridge bridge;

    @BeforeAll
    static void start() throws Exception {
        Assumptions.assumeTrue(
                "root".equals(System.getProperty("user.name")), "mount namespaces need root here: skipped");
        Process probe = new ProcessBuilder("unshare", "--mount", "--fork", "true")
                .redirectErrorStream(true)
                .start();
        Assumptions.assumeTrue(probe.waitFor() == 0, "unshare --mount is not permitted on this machine: skipped");
        dir = Bridge.tempDir();
        hostWorkspace = Files.createDirectories(dir.resolve("project/sub"));
        bridge = Bridge.start(
                dir,
                Map.of(),
                Bridge.withClaude(Bridge.fakeClaude(dir), "--map", "/workspace=" + dir.resolve("project")));
    }

    @AfterAll
    static void stop() {
        if (bridge != null) {
            bridge.close();
        }
    }

    @Test
    void clientInsideTheContainerRunsInTheMappedHostDirectory() throws Exception {
        String out = inContainer("cd /workspace/sub && /bridge/bin/claude cwd; echo status=$?");
        assertThat(out).isEqualTo(hostWorkspace.toRealPath() + "\nstatus=0\n");
    }

    @Test
    void aDirectoryOutsideTheMappingIsRefusedInsideTheContainer() throws Exception {
        String out = inContainer("cd /tmp && /bridge/bin/claude cwd 2>&1; echo status=$?");
        assertThat(out)
                .contains("the working directory /tmp is not under any mapped path")
                .contains("/workspace=")
                .endsWith("status=65\n");
    }

    @Test
    void theDefaultSocketPathIsTheMountedOne() throws Exception {
        String out =
                inContainer("unset CLAUDE_BRIDGE_SOCKET; cd /workspace && /bridge/bin/claude exit 7; echo status=$?");
        assertThat(out).isEqualTo("status=7\n");
    }

    /** Runs a shell command in a fresh mount namespace whose root holds only what a container would. */
    private static String inContainer(String command) throws Exception {
        Path root = Files.createTempDirectory(dir, "root-");
        Path script = dir.resolve("enter-" + root.getFileName() + ".sh");
        String java = Path.of(ProcessHandle.current().info().command().orElseThrow())
                .getParent()
                .getParent()
                .toString();
        Files.writeString(
                script,
                String.join(
                        "\n",
                        "set -e",
                        "R=" + root,
                        "mount --make-rprivate /",
                        "for d in usr etc dev proc sys; do mkdir -p $R/$d; mount --rbind /$d $R/$d; done",
                        // merged-/usr systems have /bin, /lib... as symlinks; copy the links, bind real directories
                        "for d in bin sbin lib lib64; do if [ -L /$d ]; then cp -P /$d $R/$d; elif [ -d /$d ]; then mkdir -p $R/$d; mount --rbind /$d $R/$d; fi; done",
                        "mkdir -p $R/tmp $R/host $R/workspace $R/bridge $R/jdk",
                        "mount -t tmpfs tmpfs $R/tmp",
                        "touch $R/host/claude-bridge.sock && mount --bind " + bridge.socket
                                + " $R/host/claude-bridge.sock",
                        "mount --bind " + dir.resolve("project") + " $R/workspace",
                        "mount --bind " + Bridge.HOME + " $R/bridge",
                        "mount --bind " + java + " $R/jdk",
                        "exec chroot $R /usr/bin/env -i PATH=/usr/bin:/bin HOME=/tmp JAVA_HOME=/jdk CLAUDE_BRIDGE_SOCKET=/host/claude-bridge.sock "
                                + "CLAUDE_BRIDGE_CACHE=/tmp/cache /bin/sh -c '" + command + "'",
                        ""),
                StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
        Process p = new ProcessBuilder("unshare", "--mount", "--fork", "/bin/sh", script.toString()).start();
        byte[] out = p.getInputStream().readAllBytes();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as("namespace setup failed: " + err).isZero();
        Files.delete(script);
        // the namespace is gone with its process, and every mount with it: only empty mount-point directories remain
        Bridge.deleteTree(root);
        return new String(out, StandardCharsets.UTF_8);
    }
}
