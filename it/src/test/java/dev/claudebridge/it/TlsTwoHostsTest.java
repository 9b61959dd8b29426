package dev.claudebridge.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Two "hosts": the agent runs in a network namespace the test makes, joined to this one by a veth pair
 * (10.231.N.1 here, 10.231.N.2 there), so the bridge is reachable only across that link and the
 * agent's own 127.0.0.1 has no bridge. A real request goes across with a token, and a client that
 * lists its own loopback first fails over to the bridge across the link.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class TlsTwoHostsTest {
    private static final String TOKEN = "token-across-the-link-0123456789abcdefghij";
    private static final int NET = (int) (ProcessHandle.current().pid() % 200) + 20;
    private static final String NS = "cbtls" + ProcessHandle.current().pid();
    private static final String HOST_IF = "cbh" + ProcessHandle.current().pid();
    private static final String AGENT_IF = "cba" + ProcessHandle.current().pid();
    private static final String HOST_IP = "10.231." + NET + ".1";

    private static Path dir;
    private static Bridge bridge;
    private static int port;
    private static boolean made;

    @BeforeAll
    static void twoHosts() throws Exception {
        Assumptions.assumeTrue(
                run("ip", "-V") == 0, "the ip command (iproute2) is missing: the two-host test needs it");
        Assumptions.assumeTrue(
                run("ip", "netns", "add", NS) == 0,
                "cannot make a network namespace (needs root or CAP_NET_ADMIN): the two-host test is skipped");
        made = true;
        must("ip", "link", "add", HOST_IF, "type", "veth", "peer", "name", AGENT_IF);
        must("ip", "link", "set", AGENT_IF, "netns", NS);
        must("ip", "addr", "add", HOST_IP + "/30", "dev", HOST_IF);
        must("ip", "link", "set", HOST_IF, "up");
        must("ip", "netns", "exec", NS, "ip", "addr", "add", "10.231." + NET + ".2/30", "dev", AGENT_IF);
        must("ip", "netns", "exec", NS, "ip", "link", "set", AGENT_IF, "up");
        must("ip", "netns", "exec", NS, "ip", "link", "set", "lo", "up");

        dir = Bridge.tempDir();
        // the shared CA signs this test's own server certificate, for the link's address alone
        TestPki.shared().leaf("link-server", "CN=bridge", "ip:" + HOST_IP, false);
        port = NetworkBridge.freePort();
        bridge = NetworkBridge.start(
                dir,
                Bridge.fakeClaude(dir),
                List.of(NetworkBridge.Listener.tls(port)
                        .on(HOST_IP, "link-server")
                        .mutual(false)
                        .tokens(List.of("remote=" + TOKEN))),
                """
                profiles:
                  default: { rate: { per-minute: 0 } }
                limits: { handshake-timeout: 60s }
                """);
    }

    @AfterAll
    static void cleanUp() {
        if (bridge != null) {
            bridge.close();
        }
        if (made) {
            run("ip", "link", "del", HOST_IF); // takes its peer in the namespace with it
            run("ip", "netns", "del", NS);
        }
    }

    /** The client, run inside the agent's namespace. */
    private ProcessBuilder agent(String urls, String... args) throws IOException {
        ProcessBuilder pb = bridge.client(dir, args);
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", NS));
        cmd.addAll(pb.command());
        pb.command(cmd);
        NetworkBridge.reach(pb.environment(), urls);
        NetworkBridge.sendToken(pb.environment(), dir, TOKEN);
        pb.environment().put("CLAUDE_BRIDGE_CLIENT_NAME", "remote-" + System.nanoTime());
        return pb;
    }

    @Test
    void aRequestCrossesTheLinkAndOnlyTheLink() throws Exception {
        String across = "tls://" + HOST_IP + ":" + port;
        ProcessBuilder pb = agent("tls://127.0.0.1:" + port + "," + across, "streams");
        Bridge.Result r = Bridge.run(pb, new byte[0]);
        assertThat(r.status()).as("%s", r).isZero();
        assertThat(r.out()).isEqualTo("out-1\nout-2\nout-3\n");
        JsonNode end =
                new AuditLines(dir.resolve("audit.log")).endOf(pb.environment().get("CLAUDE_BRIDGE_CLIENT_NAME"));
        assertThat(end.path("listener").asText()).isEqualTo(across);
        assertThat(end.path("peer").path("kind").asText()).isEqualTo("token");
        assertThat(end.path("peer").path("name").asText()).isEqualTo("remote");

        // its own loopback alone: no bridge there, the usual "unable to connect"
        Bridge.Result alone = Bridge.run(agent("tls://127.0.0.1:" + port, "streams"), new byte[0]);
        assertThat(alone.status()).as("%s", alone).isEqualTo(69);
        assertThat(alone.stderr()).contains("Unable to connect");
    }

    private static int run(String... cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(30, TimeUnit.SECONDS) ? p.exitValue() : -1;
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private static void must(String... cmd) {
        assertThat(run(cmd)).as(String.join(" ", cmd)).isZero();
    }
}
