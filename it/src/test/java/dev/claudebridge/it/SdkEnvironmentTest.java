package dev.claudebridge.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.claudebridge.it.MessagesStandIn.Turn;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
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
    private static final String KEY = "sk-test-standin-0123456789abcdef";
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

    private static Path claude;
    private static Path dir;
    private static Path project;
    private static Path callerHome;
    private static MessagesStandIn api;
    private static Bridge bridge;

    @BeforeAll
    static void start() throws IOException {
        String prop = System.getProperty("claude.real", "");
        Assumptions.assumeTrue(
                !prop.isBlank() && Files.isExecutable(Path.of(prop)),
                "the real claude CLI is not installed (./build.sh test installs it into .tools/): skipped");
        Assumptions.assumeTrue(SdkTest.onPath("node"), "node is not installed: the Agent SDK tests are skipped");
        claude = Path.of(prop);
        dir = Bridge.tempDir();
        Path home = Files.createDirectories(dir.resolve("home"));
        Files.writeString(home.resolve(".claude.json"), "{\"hasCompletedOnboarding\":true}");
        callerHome = Files.createDirectories(dir.resolve("caller-home"));
        project = Files.createDirectories(dir.resolve("project"));
        api = new MessagesStandIn();
        Map<String, String> env = new HashMap<>(DAEMON_PARENT_SESSION);
        env.putAll(Map.of(
                "HOME",
                home.toString(),
                "ANTHROPIC_BASE_URL",
                api.baseUrl(),
                "ANTHROPIC_API_KEY",
                KEY,
                "DISABLE_AUTOUPDATER",
                "1",
                "CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC",
                "1"));
        bridge = Bridge.start(
                dir,
                SdkTest::foreign,
                env,
                List.of(
                        "--claude",
                        claude.toString(),
                        "--map",
                        project + "=" + project,
                        "--admin-listen",
                        "off",
                        // the scenarios pre-approve Bash, which a profile must opt into
                        "--config",
                        Bridge.writeConfig(
                                        dir,
                                        "sdk.yaml",
                                        "profiles: { default: { allow-args: [\"--allowedTools=Bash\"] } }\n")
                                .toString()));
    }

    @AfterAll
    static void stop() {
        if (api != null) {
            api.close();
        }
        if (bridge != null) {
            bridge.close();
        } else if (dir != null) {
            Bridge.deleteTree(dir);
        }
    }

    @Test
    void theHostClaudeSeesTheCallersSdkVariablesAndNothingOfEitherParentSession() throws Exception {
        String version = SdkTest.VERSIONS.get(0);
        Path sdk = SdkTest.sdk(version);
        api.script(
                Turn.toolUse("Bash", "{\"command\":\"tr '\\\\0' '\\\\n' < /proc/$PPID/environ | sort\"}"),
                Turn.text("done"));
        ProcessBuilder pb = new ProcessBuilder(
                        "node",
                        Bridge.HOME
                                .resolve("it/src/test/resources/sdk/driver.mjs")
                                .toString(),
                        sdk.toString(),
                        "tool-cwd",
                        Bridge.CLIENT.toString(),
                        project.toString())
                .directory(project.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        pb.environment().keySet().removeIf(SdkTest::foreign);
        pb.environment()
                .putAll(Map.of(
                        "HOME",
                        callerHome.toString(),
                        "CLAUDE_BRIDGE_SOCKET",
                        bridge.socket.toString(),
                        "CLAUDE_BRIDGE_CACHE",
                        Bridge.CLIENT_CACHE.toString(),
                        // the caller's own: an SDK program run from a Claude Code session in the container, with tuning
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

        List<String> bodies = api.agentLoopBodies();
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
