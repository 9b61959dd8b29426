package dev.claudebridge.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Two "hosts" ({@link TwoHosts}): the agent runs in a network namespace joined to this one by a veth
 * pair, so the bridge is reachable only across that link and the agent's own 127.0.0.1 has no bridge.
 * A real request goes across with a token, and a client that lists its own loopback first fails over
 * to the bridge across the link.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class TlsTwoHostsTest {
    private static final String TOKEN = "token-across-the-link-0123456789abcdefghij";

    private static TwoHosts hosts;
    private static Path dir;
    private static Bridge bridge;
    private static int port;

    @BeforeAll
    static void twoHosts() {
        hosts = TwoHosts.shared();
        Assumptions.assumeTrue(
                hosts.linked,
                "cannot make a network namespace (needs root or CAP_NET_ADMIN): the two-host test is skipped");
        dir = Bridge.tempDir();
        port = NetworkBridge.freePort();
        bridge = NetworkBridge.start(
                dir,
                Bridge.fakeClaude(dir),
                List.of(NetworkBridge.Listener.tls(port)
                        .on(hosts.hostAddress, hosts.serverCertificate)
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
    }

    /** The client, run inside the agent's namespace. */
    private ProcessBuilder agent(String urls, String... args) {
        ProcessBuilder pb = bridge.client(dir, args);
        pb.command(hosts.onAgent(pb.command()));
        NetworkBridge.reach(pb.environment(), urls);
        NetworkBridge.sendToken(pb.environment(), dir, TOKEN);
        pb.environment().put("CLAUDE_BRIDGE_CLIENT_NAME", "remote-" + System.nanoTime());
        return pb;
    }

    @Test
    void aRequestCrossesTheLinkAndOnlyTheLink() throws Exception {
        String across = "tls://" + hosts.hostAddress + ":" + port;
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
}
