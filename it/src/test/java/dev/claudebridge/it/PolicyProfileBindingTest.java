package dev.claudebridge.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A caller's profile follows the socket it came through and its uid (SO_PEERCRED): one socket per
 * trust level, a peer rule for a known uid, and a socket that serves no one else.
 */
class PolicyProfileBindingTest {
    private Path dir;
    private Path ws;
    private Bridge bridge;
    private AuditLines audit;

    @BeforeEach
    void start() throws IOException {
        dir = Bridge.tempDir();
        ws = Files.createDirectories(dir.resolve("ws")).toRealPath();
        Path config = Bridge.writeConfig(dir, "config.yaml", """
                claude: { path: %1$s }
                listeners:
                  - socket: %2$s/b.sock
                  - socket: %2$s/trusted.sock
                    mode: "0666"
                    profile: trusted
                  - socket: %2$s/strict.sock
                    mode: "0666"
                    profile: ""
                profiles:
                  default:
                    mappings: ["%3$s=%3$s"]
                  trusted:
                    mappings: ["%3$s=%3$s"]
                    allow-args: [--enable-auto-mode]
                  nobody:
                    match: { uids: [65534] }
                    mappings: ["%3$s=%3$s"]
                    allow-subcommands: [mcp list]
                audit: { path: %2$s/audit.log }
                """.formatted(Bridge.policyClaude(dir), dir, ws));
        bridge = Bridge.startWithConfig(dir, Map.of(), config);
        audit = new AuditLines(dir.resolve("audit.log"));
    }

    @AfterEach
    void stop() {
        bridge.close();
    }

    private Bridge.Result run(String socket, String client, String... args) {
        ProcessBuilder pb = bridge.client(ws, args);
        pb.environment().put("CLAUDE_BRIDGE_SOCKET", dir.resolve(socket).toString());
        pb.environment().put("CLAUDE_BRIDGE_CLIENT_NAME", client);
        return Bridge.run(pb, new byte[0]);
    }

    /** The client as uid/gid 65534 (nobody), which the host cannot map to root. */
    private Bridge.Result runAsNobody(String socket, String client, String... args) {
        Assumptions.assumeTrue(
                "root".equals(System.getProperty("user.name")), "needs root to run the client as another user");
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/setpriv")), "needs setpriv (util-linux)");
        ProcessBuilder pb = new ProcessBuilder(
                        "/usr/bin/setpriv",
                        "--reuid=65534",
                        "--regid=65534",
                        "--clear-groups",
                        Bridge.readableClient().toString())
                .directory(ws.toFile());
        pb.command().addAll(java.util.List.of(args));
        pb.environment().put("CLAUDE_BRIDGE_SOCKET", dir.resolve(socket).toString());
        pb.environment()
                .put(
                        "CLAUDE_BRIDGE_JAVA",
                        ProcessHandle.current().info().command().orElseThrow());
        pb.environment().put("CLAUDE_BRIDGE_CACHE", "/nonexistent/cache");
        pb.environment().put("CLAUDE_BRIDGE_CLIENT_NAME", client);
        return Bridge.run(pb, new byte[0]);
    }

    @Test
    void theSocketChoosesTheProfile() {
        Bridge.Result plain = run("b.sock", "plain", "--enable-auto-mode", "-p", "hi");
        assertThat(plain.status()).as(plain.toString()).isEqualTo(78);
        assertThat(plain.stderr()).contains("profile 'default'").contains("allow-args");
        Bridge.Result trusted = run("trusted.sock", "trusted", "--enable-auto-mode", "-p", "hi");
        assertThat(trusted.status()).as(trusted.toString()).isZero();
        assertThat(trusted.out()).contains("arg=--enable-auto-mode");
        JsonNode a = audit.endOf("plain");
        JsonNode b = audit.endOf("trusted");
        assertThat(a.path("profile").asText()).isEqualTo("default");
        assertThat(a.path("listener").asText()).isEqualTo(dir.resolve("b.sock").toString());
        assertThat(a.path("rule").asText()).isEqualTo("--enable-auto-mode");
        assertThat(b.path("profile").asText()).isEqualTo("trusted");
        assertThat(b.path("listener").asText())
                .isEqualTo(dir.resolve("trusted.sock").toString());
        assertThat(b.path("decision").asText()).isEqualTo("allowed");
    }

    @Test
    void aSocketWithoutAProfileServesOnlyMatchedPeers() {
        Bridge.Result root = run("strict.sock", "root-on-strict", "-p", "hi");
        assertThat(root.status()).as(root.toString()).isEqualTo(67);
        assertThat(root.stderr())
                .contains("no profile of this bridge admits a caller with uid root")
                .contains("strict.sock");
        JsonNode denied = audit.endOf("root-on-strict");
        assertThat(denied.path("outcome").asText()).isEqualTo("access_denied");
        assertThat(denied.path("peer").path("uid").asLong()).isZero();
        assertThat(denied.path("profile").asText()).isEmpty();

        Bridge.Result nobody = runAsNobody("strict.sock", "nobody-on-strict", "mcp", "list");
        assertThat(nobody.status()).as(nobody.toString()).isZero();
        assertThat(nobody.out()).contains("arg=mcp", "arg=list");
        JsonNode ran = audit.endOf("nobody-on-strict");
        assertThat(ran.path("profile").asText()).isEqualTo("nobody");
        assertThat(ran.path("peer").path("uid").asLong()).isEqualTo(65534);
        assertThat(ran.path("peer").path("gid").asLong()).isEqualTo(65534);
    }

    @Test
    void aPeerRuleWinsOverTheSocketsProfile() {
        Bridge.Result r = runAsNobody("trusted.sock", "nobody-on-trusted", "--enable-auto-mode", "-p", "hi");
        assertThat(r.status()).as(r.toString()).isEqualTo(78);
        assertThat(r.stderr()).contains("profile 'nobody'");
        assertThat(audit.endOf("nobody-on-trusted").path("profile").asText()).isEqualTo("nobody");
    }
}
