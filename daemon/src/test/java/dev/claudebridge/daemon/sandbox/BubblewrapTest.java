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
                workspace,
                java.util.Optional.empty());
    }

    @AfterEach
    void tearDown() throws IOException {
        if (api != null) {
            api.close();
        }
    }

    private ProcessSpec spec(String script) {
        return spec(
                layout,
                script,
                Map.of("PATH", "/usr/bin:/bin", "HOME", tmp.resolve("home").toString()));
    }

    private ProcessSpec spec(Layout layout, String script, Map<String, String> env) {
        List<String> cmd = Bubblewrap.command(parts.bwrap(), parts.session(), layout, List.of("/bin/sh", "-c", script));
        return new ProcessSpec(List.of("/bin/true"), Map.of(), workspace).asInnerSession(cmd, env);
    }

    /** The layout with the run's socket of the network proxy, and the environment the sandbox gives then. */
    private ProcessSpec networked(NetworkGrant net, String script) {
        Layout l = new Layout(
                layout.home(),
                layout.configDir(),
                layout.programs(),
                layout.readOnly(),
                layout.writable(),
                layout.hidden(),
                layout.apiSocket(),
                layout.cwd(),
                java.util.Optional.of(net.socket()));
        Grant grant = new Grants().issue("r-net", Credential.Kind.API_KEY);
        return spec(
                l, script, Sandbox.environment(Map.of("PATH", "/usr/bin:/bin"), List.of(), layout.home(), grant, true));
    }

    @Test
    void withAnAllowListToolsReachWhatItNamesThroughTheRelayAndNothingElse() throws Exception {
        try (Upstream web = new Upstream();
                Upstream other = new Upstream();
                NetworkProxy proxy = new NetworkProxy(tmp);
                NetworkGrant net =
                        proxy.grant("r-net", List.of("127.0.0.1:" + web.uri().getPort()))) {
            String script = "curl -sS --noproxy '' " + web.uri() + "/v1/echo; echo; curl -sS --noproxy '' -p "
                    + web.uri() + "/v1/echo; echo; curl -sS --noproxy '' " + other.uri() + "/v1/echo; "
                    + "curl -sS " + web.uri() + "/v1/echo 2>/dev/null || echo no-proxy-goes-direct;"
                    + " echo \"$HTTPS_PROXY $http_proxy $NO_PROXY\"; echo relays: $(cat /proc/[0-9]*/comm | grep -c bridge-relay)";
            HostProcess p = HostProcess.start(networked(net, script));
            String out = read(p.stdout());
            Termination t = p.termination().get(30, TimeUnit.SECONDS);
            assertThat(out)
                    .as("forwarded, then tunnelled (curl -p), to the listed server")
                    .containsSubsequence(Upstream.ECHO, Upstream.ECHO)
                    .contains("claude-bridge: 127.0.0.1:" + other.uri().getPort()
                            + " is not in this profile's network allow-list")
                    .contains("no-proxy-goes-direct")
                    .contains("http://127.0.0.1:3128 http://127.0.0.1:3128 localhost,127.0.0.1")
                    .contains("relays: 1");
            assertThat(web.seen()).hasSize(2);
            assertThat(other.seen()).as("the unlisted server saw nothing").isEmpty();
            assertThat(net.refused()).isEqualTo(1);
            assertThat(t.signaled()).isFalse();
            String relay = "--relay=3128:/run/claude-bridge/net.sock /bin/sh -c " + script; // its command line
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (System.nanoTime() < until && escapees(relay) > 0) {
                Thread.sleep(20);
            }
            assertThat(escapees(relay)).as("the relay ended with the run").isZero();
        }
    }

    @Test
    void withTheRelaySignalsStillReachTheProgram() throws Exception {
        try (NetworkProxy proxy = new NetworkProxy(tmp);
                NetworkGrant net = proxy.grant("r-sig", List.of("127.0.0.1:9"))) {
            HostProcess p =
                    HostProcess.start(networked(net, "trap 'exit 7' INT; echo ready; while :; do sleep 0.05; done"));
            byte[] ready = new byte[6];
            assertThat(p.stdout().readNBytes(ready, 0, 6)).isEqualTo(6);
            p.signalGroup(SIGINT);
            Termination t = p.termination().get(30, TimeUnit.SECONDS);
            assertThat(t.signaled()).as("%s", t).isFalse();
            assertThat(t.value())
                    .as("the program, not the relay, is the session the signal went to")
                    .isEqualTo(7);
        }
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
    void theManagedSettingsViewIsMountedWhereClaudeReadsThem() throws Exception {
        Path etc = Files.createDirectories(tmp.resolve("managed"));
        Files.writeString(
                etc.resolve("managed-settings.json"), "{\"env\":{\"ANTHROPIC_BASE_URL\":\"https://gw.example\"}}");
        Path view = ManagedSettings.view(etc, tmp.resolve("view")).orElseThrow();
        layout = new Layout(
                layout.home(),
                layout.configDir(),
                layout.programs(),
                layout.readOnly(),
                layout.writable(),
                layout.hidden(),
                layout.apiSocket(),
                layout.cwd(),
                layout.networkSocket(),
                java.util.Optional.of(view));
        // the host here has no /etc/claude-code to mount it over (a test does not write the host's /etc), so
        // this checks the command line: the view is mounted where claude reads managed settings, after /etc
        List<String> cmd = Bubblewrap.command(parts.bwrap(), parts.session(), layout, List.of("/bin/true"));
        int system = cmd.indexOf("/etc");
        int over = cmd.indexOf(view.toString());
        assertThat(over).isGreaterThan(system);
        assertThat(cmd.subList(over - 1, over + 2)).containsExactly("--ro-bind", view.toString(), "/etc/claude-code");
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
