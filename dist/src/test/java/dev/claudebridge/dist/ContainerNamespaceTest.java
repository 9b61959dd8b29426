package dev.claudebridge.dist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The client directory, installed the way Dockerfile.agent installs it, in a "container" whose file
 * system has no Java: a request from the container's /workspace reaches the host's claude in the
 * mapped host directory, and output and status come back.
 */
class ContainerNamespaceTest {
    private static final Dist DIST = Dist.fromSystemProperties();

    @TempDir
    Path tmp;

    @Test
    void clientWorksInAContainerWithoutJava() throws IOException {
        Proc.Result can = NamespaceContainer.probe();
        assumeTrue(
                can.exit() == 0,
                "cannot make a mount namespace here (unshare --mount needs root): "
                        + can.err().strip());

        Dockerfile agent = Dockerfile.read(DIST.deploy().resolve("Dockerfile.agent"));
        String[] copy = agent.all("COPY").getFirst().split("\\s+"); // SOURCES... /opt/claude-bridge-client/bin/
        String installDir = copy[copy.length - 1].replaceAll("/bin/?$", "");
        String target = agent.symlink().orElseThrow().get(0);
        String link = agent.symlink().orElseThrow().get(1);
        String socketInside = agent.env("CLAUDE_BRIDGE_SOCKET").orElseThrow();

        Path release = Tar.unpack(DIST.releaseArchive(), tmp.resolve("release"));
        Path client = Tar.unpack(DIST.clientArchive(), tmp.resolve("client"));
        Path project = Files.createDirectories(tmp.resolve("project-1/sub"))
                .getParent()
                .toRealPath();
        Path socket = tmp.resolve("agent-1.sock");

        try (BridgeDaemon daemon =
                BridgeDaemon.start(release, socket, FakeClaude.write(tmp), "--map", "/workspace=" + project)) {
            Proc.Result r = NamespaceContainer.runClaude(
                    Files.createDirectories(tmp.resolve("container")),
                    new NamespaceContainer.Setup(client, installDir, target, link, socket, socketInside, project),
                    "/workspace/sub",
                    "/workspace/probe.txt",
                    "-p",
                    "from the container",
                    "--output-format",
                    "json");

            assertThat(r.out())
                    .as("stderr: " + r.err())
                    .isEqualTo(FakeClaude.stdout(
                            project.resolve("sub"), "-p", "from the container", "--output-format", "json"));
            assertThat(r.err()).isEqualTo(FakeClaude.STDERR);
            assertThat(r.exit()).isEqualTo(FakeClaude.EXIT);
            assertThat(Files.readAllLines(project.resolve("probe.txt")))
                    .as("inside the container: no Java anywhere, claude is the installed client")
                    .containsExactly("jvm=[]", "java-exit=127", "claude=" + link);
            assertThat(daemon.logWith("outcome=exit 3")).contains("outcome=exit 3");
        }
    }
}
