package dev.claudebridge.daemon.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The peer's pid and container, from real connections and real PID namespaces. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PeerCredentialsTest {
    @Test
    void aPeerInTheDaemonsOwnNamespaceHasItsPidAndNoContainer() throws IOException {
        Path dir = Files.createTempDirectory(Path.of("/tmp"), "cbp-");
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(dir.resolve("s")));
            try (SocketChannel client = SocketChannel.open(UnixDomainSocketAddress.of(dir.resolve("s")));
                    SocketChannel accepted = server.accept()) {
                PeerCredentials.Credentials c = PeerCredentials.of(accepted);
                assertThat(c.pid()).isEqualTo(ProcessHandle.current().pid());
                assertThat(c.container()).isEmpty();
            }
        } finally {
            Files.deleteIfExists(dir.resolve("s"));
            Files.delete(dir);
        }
    }

    @Test
    void aProcessInItsOwnPidNamespaceIsAContainerAndANestedNamespaceCountsAsItsContainer() throws Exception {
        Assumptions.assumeTrue(
                "root".equals(System.getProperty("user.name")), "PID namespaces need root here: skipped");
        // outer: a new PID namespace whose shell starts a sleeper there and another inside a nested namespace
        Process p = new ProcessBuilder(
                        "/usr/bin/unshare",
                        "--pid",
                        "--fork",
                        "/bin/sh",
                        "-c",
                        "sleep 60 & /usr/bin/unshare --pid --fork sleep 60 & wait")
                .start();
        try {
            List<ProcessHandle> sleepers = awaitSleepers(p, 2);
            String outer = PeerCredentials.containerOf(sleepers.get(0).pid());
            String nested = PeerCredentials.containerOf(sleepers.get(1).pid());
            assertThat(outer).startsWith("pidns:");
            assertThat(nested)
                    .as("a namespace nested in the container is the container")
                    .isEqualTo(outer);
            assertThat(PeerCredentials.containerOf(ProcessHandle.current().pid()))
                    .isEmpty();
            assertThat(PeerCredentials.containerOf(Integer.MAX_VALUE))
                    .as("a pid that is gone")
                    .isEmpty();
        } finally {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void nsPidAndCgroupLinesAreRead() {
        assertThat(PeerCredentials.nsPidDepth(List.of("Name:\tsh", "NSpid:\t4242\t7\t1")))
                .isEqualTo(3);
        assertThat(PeerCredentials.nsPidDepth(List.of("Name:\tsh", "NSpid:\t4242")))
                .isEqualTo(1);
        assertThat(PeerCredentials.nsPidDepth(List.of("Name:\tsh"))).isEqualTo(1);
        assertThat(PeerCredentials.cgroup(List.of("0::/system.slice/docker-abc.scope")))
                .isEqualTo("/system.slice/docker-abc.scope");
        assertThat(PeerCredentials.cgroup(List.of("4:memory:/docker/abc", "1:cpu:/docker/abc")))
                .isEqualTo("4:memory:/docker/abc;1:cpu:/docker/abc");
    }

    /** The {@code sleep} processes under {@code p}, the one in the outer namespace first. */
    private static List<ProcessHandle> awaitSleepers(Process p, int n) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            List<ProcessHandle> sleepers = p.descendants()
                    .filter(h ->
                            h.info().command().map(c -> c.endsWith("/sleep")).orElse(false))
                    .toList();
            if (sleepers.size() == n) {
                // the nested one's parent is the inner unshare; the outer one's parent is the shell
                return sleepers.stream()
                        .sorted((a, b) -> Boolean.compare(isUnshareChild(a), isUnshareChild(b)))
                        .toList();
            }
            Thread.sleep(50);
        }
        throw new AssertionError("the sleepers did not start");
    }

    private static boolean isUnshareChild(ProcessHandle h) {
        return h.parent()
                .flatMap(x -> x.info().command())
                .map(c -> c.endsWith("/unshare"))
                .orElse(false);
    }
}
