package dev.claudebridge.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.claudebridge.it.MessagesStandIn.Turn;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The environment an Agent SDK query's host claude gets, with a daemon that was itself started inside
 * a Claude Code session (a terminal of one: CLAUDECODE, its session id, entry point, effort, IDE port,
 * trace, host-managed auth) and a caller that sets the SDK's and the user's variables. The host claude
 * must see the caller's entry point, SDK version, trace and timeouts, and nothing of either parent
 * session. The model's Bash tool reads its parent's (the host claude's) environment from /proc.
 */
class SdkEnvironmentTest {
    private static final String DAEMON_SESSION = "0d0d0d0d-aaaa-4bbb-8ccc-daemon000001";
    private static final String CALLER_SESSION = "0c0c0c0c-aaaa-4bbb-8ccc-caller000001";
    private static final String CALLER_TRACE = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
    private static final Map<String, String> DAEMON_PARENT_SESSION = Map.of(
            "CLAUDECODE",
            "1",
            "CLAUDE_CODE_CHILD_SESSION",
            "1",
            "CLAUDE_CODE_SESSION_ID",
            DAEMON_SESSION,
            "CLAUDE_CODE_ENTRYPOINT",
            "sdk-cli",
            "CLAUDE_EFFORT",
            "low",
            "AI_AGENT",
            "claude-code_2-1-197_agent",
            "CLAUDE_CODE_SSE_PORT",
            "1",
            "TRACEPARENT",
            "00-11111111111111111111111111111111-2222222222222222-01",
            "CLAUDE_CODE_EXECPATH",
            "/nonexistent/claude");

    private static RealClaudeHost host;

    @BeforeAll
    static void start() {
        RealClaudeHost.Setup setup = RealClaudeHost.with("claude.real")
                // the scenario pre-approves Bash, which a profile must opt into
                .profile("allow-args: [\"--allowedTools=Bash\"]")
                .daemonEnv(DAEMON_PARENT_SESSION);
        Assumptions.assumeTrue(SdkTest.onPath("node"), "node is not installed: the Agent SDK tests are skipped");
        host = setup.start();
    }

    @AfterAll
    static void stop() {
        if (host != null) {
            host.close();
        }
    }

    @Test
    void theHostClaudeSeesTheCallersSdkVariablesAndNothingOfEitherParentSession() throws Exception {
        String version = SdkTest.VERSIONS.get(0);
        Path sdk = SdkTest.sdk(version);
        host.api.script(
                Turn.toolUse("Bash", "{\"command\":\"tr '\\\\0' '\\\\n' < /proc/$PPID/environ | sort\"}"),
                Turn.text("done"));
        ProcessBuilder pb = host.environment(
                new ProcessBuilder(
                                "node",
                                Bridge.HOME
                                        .resolve("it/src/test/resources/sdk/driver.mjs")
                                        .toString(),
                                sdk.toString(),
                                "tool-cwd",
                                Bridge.CLIENT.toString(),
                                host.project.toString())
                        .directory(host.project.toFile())
                        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))),
                true);
        // the caller's own: an SDK program run from a Claude Code session in the container, with tuning
        pb.environment()
                .putAll(Map.of(
                        "CLAUDECODE",
                        "1",
                        "CLAUDE_CODE_SESSION_ID",
                        CALLER_SESSION,
                        "TRACEPARENT",
                        CALLER_TRACE,
                        "API_TIMEOUT_MS",
                        "611000",
                        "CLAUDE_CODE_MAX_RETRIES",
                        "7",
                        "MCP_TOOL_TIMEOUT",
                        "45000"));
        Process p = pb.start();
        byte[] out = Bridge.readAll(p.getInputStream());
        String err = new String(Bridge.readAll(p.getErrorStream()), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        String summary = new String(out, StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as("driver: %s %s", summary, err).isZero();
        assertThat(summary)
                .as("the query worked")
                .contains("\"subtype\":\"success\"")
                .contains("done");

        List<String> bodies = host.api.agentLoopBodies();
        String toolResult = bodies.get(bodies.size() - 1).replace("\\n", "\n");
        assertThat(toolResult)
                .as("the host claude's environment, as its Bash tool read it")
                .contains(
                        "\nCLAUDE_CODE_ENTRYPOINT=sdk-ts\n",
                        "\nCLAUDE_AGENT_SDK_VERSION=" + version + "\n",
                        "\nTRACEPARENT=" + CALLER_TRACE + "\n",
                        "\nAPI_TIMEOUT_MS=611000\n",
                        "\nCLAUDE_CODE_MAX_RETRIES=7\n",
                        "\nMCP_TOOL_TIMEOUT=45000\n")
                .doesNotContain(
                        "CLAUDECODE=",
                        "CLAUDE_CODE_CHILD_SESSION=",
                        "CLAUDE_CODE_SESSION_ID=",
                        DAEMON_SESSION,
                        CALLER_SESSION,
                        "CLAUDE_EFFORT=",
                        "AI_AGENT=",
                        "CLAUDE_CODE_SSE_PORT=",
                        "CLAUDE_CODE_EXECPATH=",
                        "=sdk-cli");
    }
}
