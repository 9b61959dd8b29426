package dev.claudebridge.daemon.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.claudebridge.daemon.exec.HostProcess;
import dev.claudebridge.daemon.exec.ProcessSpec;
import dev.claudebridge.daemon.exec.Termination;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sandbox's view of the host and its process seam, with a shell in place of claude: what it can
 * write and read, that signals reach the program inside (and bubblewrap keeps its exit status), and that
 * a terminal becomes the inner session's own.
 */
class BubblewrapTest {
    private static final int SIGINT = 2;

    @TempDir
    Path tmp;

    private SandboxProbe.Parts parts;
    private ServerSocketChannel api;
    private Layout layout;
    private Path workspace;

    @BeforeEach
    void setUp() throws IOException {
        SandboxProbe.Result probe = SandboxProbe.check();
        assumeTrue(
                probe.problem().isEmpty(),
                () -> "no sandbox on this machine: " + probe.problem().orElse(""));
        parts = probe.parts().orElseThrow();
        workspace = Files.createDirectories(tmp.resolve("ws"));
        Files.writeString(Files.createDirectories(tmp.resolve("daemon")).resolve("key"), "DAEMON-SECRET");
        Files.writeString(Files.createDirectories(tmp.resolve("home/.ssh")).resolve("id"), "SSH-SECRET");
        api = ServerSocketChannel.open(java.net.StandardProtocolFamily.UNIX);
        api.bind(UnixDomainSocketAddress.of(tmp.resolve("api.sock")));
        layout = new Layout(
                tmp.resolve("home"),
                Files.createDirectories(tmp.resolve("config")),
                List.of(),
                List.of(),
                List.of(workspace),
                List.of(tmp.resolve("daemon")),
                tmp.resolve("api.sock"),
                workspace);
    }

    @AfterEach
    void tearDown() throws IOException {
        if (api != null) {
            api.close();
        }
    }

    private ProcessSpec spec(String script) {
        List<String> cmd = Bubblewrap.command(parts.bwrap(), parts.session(), layout, List.of("/bin/sh", "-c", script));
        return new ProcessSpec(List.of("/bin/true"), Map.of(), workspace)
                .asInnerSession(
                        cmd,
                        Map.of(
                                "PATH",
                                "/usr/bin:/bin",
                                "HOME",
                                tmp.resolve("home").toString()));
    }

    @Test
    void writesOnlyTheWorkspaceAndSeesNoSecret() throws Exception {
        HostProcess p = HostProcess.start(spec("touch " + workspace.resolve("in") + "; touch " + tmp.resolve("out")
                + " 2>/dev/null; cat " + tmp.resolve("daemon/key") + " " + tmp.resolve("home/.ssh/id") + " 2>&1;"
                + " test -S /run/claude-bridge/api.sock && echo socket-there; pwd"));
        String out = read(p.stdout());
        Termination t = p.termination().get(30, TimeUnit.SECONDS);
        assertThat(workspace.resolve("in")).as(out).exists();
        assertThat(tmp.resolve("out")).doesNotExist();
        assertThat(out)
                .doesNotContain("DAEMON-SECRET")
                .doesNotContain("SSH-SECRET")
                .contains("socket-there");
        assertThat(out).contains(workspace.toString());
        assertThat(t.signaled()).isFalse();
    }

    @Test
    void aSignalReachesTheProgramAndItsExitStatusComesBack() throws Exception {
        HostProcess p = HostProcess.start(spec("trap 'exit 7' INT; echo ready; while :; do sleep 0.05; done"));
        byte[] ready = new byte[6];
        assertThat(p.stdout().readNBytes(ready, 0, 6)).isEqualTo(6);
        p.signalGroup(SIGINT);
        Termination t = p.termination().get(30, TimeUnit.SECONDS);
        assertThat(t.signaled())
                .as("bubblewrap itself was not signalled: %s", t)
                .isFalse();
        assertThat(t.value()).isEqualTo(7);
    }

    @Test
    void aWorkerInItsOwnSessionEndsWithTheProgram() throws Exception {
        String marker = "bwrap-escapee-" + ProcessHandle.current().pid();
        HostProcess p =
                HostProcess.start(spec("setsid sh -c 'exec sleep 300 " + marker + "' >/dev/null 2>&1 & echo ok"));
        read(p.stdout());
        p.termination().get(30, TimeUnit.SECONDS);
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < until && escapees(marker) > 0) {
            Thread.sleep(20);
        }
        assertThat(escapees(marker)).isZero();
        p.terminateTree(Duration.ofSeconds(1));
    }

    @Test
    void onATerminalTheInnerSessionOwnsIt() throws Exception {
        HostProcess p = HostProcess.startOnTerminal(spec("echo x > /dev/tty && echo tty-ok; stty size"), 100, 33);
        String out = read(p.stdout());
        p.termination().get(30, TimeUnit.SECONDS);
        assertThat(out).contains("tty-ok").contains("33 100");
        p.releaseTerminal();
        p.releaseTerminal();
    }

    private static long escapees(String marker) {
        return ProcessHandle.allProcesses()
                .filter(h -> h.info().commandLine().orElse("").contains(marker))
                .count();
    }

    private static String read(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        byte[] buf = new byte[4096];
        try {
            for (int n; (n = in.read(buf)) > 0; ) {
                b.write(buf, 0, n);
            }
        } catch (IOException e) {
            // a terminal's master reports EIO once the last slave closes: the end of its output
        }
        return b.toString(StandardCharsets.UTF_8);
    }
}
