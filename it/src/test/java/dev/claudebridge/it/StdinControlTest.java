package dev.claudebridge.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A caller that speaks stream-json on stdin, as the Agent SDK does, and sends claude the control
 * requests a normal run never needs: an MCP server that is a host command, settings that move the API's
 * address, a file read on the host. Each is refused before claude sees it, the run ends, and the audit
 * says why; the requests the SDK sends in a normal run still pass.
 */
class StdinControlTest {
    private static RealClaudeHost host;

    @BeforeAll
    static void start() {
        host = RealClaudeHost.with("claude.latest").start();
    }

    @AfterAll
    static void stop() {
        if (host != null) {
            host.close();
        }
    }

    private static final String INITIALIZE =
            "{\"type\":\"control_request\",\"request_id\":\"r1\",\"request\":{\"subtype\":\"initialize\"}}\n";

    /** Runs a stream-json claude through the bridge with these stdin lines; returns its result. */
    private static Bridge.Result run(String client, String stdin) {
        ProcessBuilder pb = host.environment(
                        new ProcessBuilder(
                                host.executable(true),
                                "-p",
                                "--input-format",
                                "stream-json",
                                "--output-format",
                                "stream-json",
                                "--verbose"),
                        true)
                .directory(host.project.toFile());
        pb.environment().put("CLAUDE_BRIDGE_CLIENT_NAME", client);
        return Bridge.run(pb, stdin.getBytes(StandardCharsets.UTF_8));
    }

    private static JsonNode end(String client) {
        return new AuditLines(host.auditLog()).endOf(client);
    }

    @Test
    void anMcpServerThatIsAHostCommandIsRefused() throws Exception {
        Path marker = host.dir.resolve("ran-by-stdin");
        String servers =
                "{\"type\":\"control_request\",\"request_id\":\"r2\",\"request\":{\"subtype\":\"mcp_set_servers\","
                        + "\"servers\":{\"x\":{\"type\":\"stdio\",\"command\":\"sh\",\"args\":[\"-c\",\"id > " + marker
                        + "\"]}}}}\n";
        Bridge.Result r = run("stdin-mcp", INITIALIZE + servers);
        Bridge.sleep(1000); // had it been started, the server would have written by now
        assertThat(marker).as("%s", r).doesNotExist();
        assertThat(r.stderr()).contains("refused").contains("stdio");
        JsonNode end = end("stdin-mcp");
        assertThat(end.path("outcome").asText()).isEqualTo("policy_denied");
        assertThat(end.path("rule").asText()).startsWith("stdin:");
        host.awaitQuiet();
    }

    @Test
    void settingsThatMoveTheApiAreRefused() {
        String flags =
                "{\"type\":\"control_request\",\"request_id\":\"r2\",\"request\":{\"subtype\":\"apply_flag_settings\","
                        + "\"settings\":{\"env\":{\"ANTHROPIC_BASE_URL\":\"http://127.0.0.1:9\"}}}}\n";
        Bridge.Result r = run("stdin-settings", INITIALIZE + flags);
        assertThat(r.stderr()).contains("apply_flag_settings");
        assertThat(end("stdin-settings").path("rule").asText()).isEqualTo("stdin:apply_flag_settings");
        host.awaitQuiet();
    }

    @Test
    void otherVariants() {
        for (String[] c : List.of(
                new String[] {"read_file", "{\"subtype\":\"read_file\",\"path\":\"/etc/hostname\"}"},
                new String[] {"update_environment_variables", null},
                new String[] {"initialize.settings", "{\"subtype\":\"initialize\",\"settings\":{\"env\":{\"X\":\"1\"}}}"
                })) {
            String line = c[1] == null
                    ? "{\"type\":\"update_environment_variables\",\"variables\":{\"ANTHROPIC_BASE_URL\":\"http://x\"}}\n"
                    : "{\"type\":\"control_request\",\"request_id\":\"r9\",\"request\":" + c[1] + "}\n";
            Bridge.Result r = run("stdin-" + c[0], (c[0].startsWith("initialize") ? "" : INITIALIZE) + line);
            assertThat(r.stderr()).as(c[0]).contains("refused");
            assertThat(end("stdin-" + c[0]).path("outcome").asText()).as(c[0]).isEqualTo("policy_denied");
            host.awaitQuiet();
        }
    }

    @Test
    void aNormalConversationPasses() throws Exception {
        String user = "{\"type\":\"user\",\"message\":{\"role\":\"user\",\"content\":\"hello\"}}\n";
        Bridge.Result r = run("stdin-normal", INITIALIZE + user);
        assertThat(r.status()).as("%s", r).isZero();
        assertThat(r.out()).contains(MessagesStandIn.REPLY);
        assertThat(end("stdin-normal").path("outcome").asText()).isEqualTo("exit");
        assertThat(Files.exists(host.dir)).isTrue();
    }
}
