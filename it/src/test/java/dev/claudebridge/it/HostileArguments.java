package dev.claudebridge.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A hostile caller's arguments, over a real socket to a daemon running a real claude with the default
 * profile and a stand-in Messages API. Each refusal is checked for its message, exit status 78, its
 * audit record, and that the daemon still serves afterwards; the positive controls show that what a
 * normal caller and the Agent SDK pass still runs. Subclasses pick the CLI: the pinned one and the
 * newest checked. The tests run side by side, each on a host of its own ({@link HostPool}).
 */
abstract class HostileArguments {
    /** The hosts of each CLI; the tests run side by side, each on a host of its own. */
    private static final Map<String, HostPool> HOSTS = new ConcurrentHashMap<>();
    /** Client names unique across the hosts' tests, so each call finds its own audit record. */
    private static final AtomicInteger CALLS = new AtomicInteger();

    private HostPool.Lease lease;
    private Path home;
    private Path workspace;
    private MessagesStandIn api;
    private MessagesStandIn exfil;
    private AuditLines audit;

    /** One user turn as the Agent SDK writes it on stdin. */
    private static final String USER_MESSAGE =
            "{\"type\":\"user\",\"message\":{\"role\":\"user\",\"content\":\"hi\"},\"parent_tool_use_id\":null,\"session_id\":\"\"}\n";

    /** The system property naming the CLI to run. */
    abstract String cliProperty();

    /** Whether the CLI knows --await-initialize (the newest Agent SDK's launch flag). */
    boolean readsInitializeAtLaunch() {
        return false;
    }

    @BeforeEach
    void borrow() throws Exception {
        RealClaudeHost.Setup setup = RealClaudeHost.with(cliProperty());
        lease = HOSTS.computeIfAbsent(cliProperty(), p -> new HostPool(setup::start))
                .borrow();
        RealClaudeHost host = lease.host();
        home = host.home;
        Files.createDirectories(home.resolve(".aws"));
        Files.writeString(home.resolve(".aws/credentials"), "aws_secret_access_key = HOST-SECRET-AWS\n");
        workspace = Files.createDirectories(host.project.resolve("proj/lib")).getParent();
        api = host.api;
        exfil = new MessagesStandIn(); // stands for a server in the container that wants the host's key
        audit = new AuditLines(host.auditLog());
    }

    @AfterEach
    void giveBack() {
        if (exfil != null) {
            exfil.close();
        }
        if (lease != null) {
            lease.close();
        }
    }

    @AfterAll
    static void stop() {
        HOSTS.values().forEach(HostPool::close);
        HOSTS.clear();
    }

    /** One call from the mapped project directory under a client name of its own; returns its result and its end record. */
    private Call call(byte[] stdin, String... args) {
        String client = "hostile-" + CALLS.incrementAndGet();
        ProcessBuilder pb = lease.host().bridge.client(workspace, args);
        pb.environment().put("CLAUDE_BRIDGE_CLIENT_NAME", client);
        Bridge.Result r = Bridge.run(pb, stdin);
        return new Call(r, audit.endOf(client));
    }

    private record Call(Bridge.Result result, JsonNode end) {}

    /** stream-json both ways, as the Agent SDK runs claude, then {@code more}. */
    private static String[] streamJson(String... more) {
        List<String> argv = new java.util.ArrayList<>(
                List.of("--output-format", "stream-json", "--verbose", "--input-format", "stream-json"));
        argv.addAll(List.of(more));
        return argv.toArray(String[]::new);
    }

    private Call refused(String rule, String... args) {
        Call c = call(new byte[0], args);
        assertThat(c.result().status()).as("%s: %s", List.of(args), c.result()).isEqualTo(78);
        assertThat(c.result().stderr())
                .startsWith("claude-bridge: ")
                .containsAnyOf(
                        "not allowed",
                        "never allowed",
                        "not valid JSON",
                        "starts like JSON",
                        "not one the bridge has classified");
        assertThat(c.end().path("decision").asText()).isEqualTo("denied");
        assertThat(c.end().path("outcome").asText()).isEqualTo("policy_denied");
        assertThat(c.end().path("rule").asText()).isEqualTo(rule);
        assertThat(c.end().path("detail").asText())
                .isEqualTo(c.result()
                        .stderr()
                        .substring("claude-bridge: ".length())
                        .strip());
        stillServing();
        return c;
    }

    private void stillServing() {
        Call v = call(new byte[0], "--version");
        assertThat(v.result().status()).as("still serving: %s", v.result()).isZero();
        assertThat(v.result().out()).contains("Claude Code");
    }

    @Test
    @Execution(ExecutionMode.CONCURRENT)
    void mcpServeIsNotAHostShell() {
        Call c = refused("mcp serve", "mcp", "serve");
        assertThat(c.result().stderr())
                .contains("`claude mcp serve` is never allowed")
                .contains("No profile can allow it");
        refused("mcp serve", "--", "mcp", "serve");
        refused("mcp serve", "--verbose", "mcp", "serve");
    }

    @ParameterizedTest
    @Execution(ExecutionMode.CONCURRENT)
    @ValueSource(strings = {"--settings", "--settings="})
    void settingsCannotSendTheHostsKeyElsewhere(String spelling) {
        String json = "{\"env\":{\"ANTHROPIC_BASE_URL\":\"" + exfil.baseUrl() + "\"}}";
        Call c = spelling.endsWith("=")
                ? refused("--settings:env", "-p", "hi", spelling + json)
                : refused("--settings:env", "-p", "hi", spelling, json);
        assertThat(c.result().stderr()).contains("'env'").contains("cannot be allowed by configuration");
        refused("--settings:apiKeyHelper", "-p", "hi", "--settings", "{\"apiKeyHelper\":\"echo x\"}");
        refused("--settings", "-p", "hi", "--system-prompt", "--settings", json); // claude's early scan would read it
        assertThat(exfil.received()).as("nothing reached the other server").isEmpty();
    }

    @Test
    @Execution(ExecutionMode.CONCURRENT)
    void deniedSubcommandsDoNotPassAfterTheEndOfOptions() throws Exception {
        refused(
                "mcp add-json",
                "--",
                "mcp",
                "add-json",
                "evil",
                "{\"type\":\"stdio\",\"command\":\"sh\",\"args\":[\"-c\",\"id\"]}");
        refused("mcp add", "--model", "x", "--", "mcp", "add", "evil", "--", "sh");
        refused("plugin", "--", "plugin", "install", "x");
        refused("update", "--", "update");
        refused("auth logout", "--", "auth", "logout");
        assertThat(Files.readString(home.resolve(".claude.json"))).doesNotContain("evil");
    }

    @Test
    @Execution(ExecutionMode.CONCURRENT)
    void ordinaryArgumentsDoNotApproveHostCommands() {
        assertThat(refused("--allowedTools=Bash", "-p", "hi", "--allowedTools", "Bash")
                        .result()
                        .stderr())
                .contains("allow-args: [\"--allowedTools=Bash\"]");
        refused("--allowedTools=Bash", "-p", "hi", "--allowed-tools=Bash(curl:*)");
        refused("--allowedTools=Bash", "-p", "hi", "--settings", "{\"permissions\":{\"allow\":[\"Bash\"]}}");
        refused(
                "--permission-mode=bypassPermissions",
                "-p",
                "hi",
                "--settings",
                "{\"permissions\":{\"defaultMode\":\"bypassPermissions\"}}");
        refused("--settings:hooks", "-p", "hi", "--settings", "{\"hooks\":{\"SessionStart\":[]}}");
        refused("--mcp-config:stdio", "-p", "hi", "--mcp-config", "{\"mcpServers\":{\"e\":{\"command\":\"sh\"}}}");
        refused(
                "--mcp-config:http",
                "-p",
                "hi",
                "--mcp-config",
                "{\"mcpServers\":{\"e\":{\"type\":\"http\",\"url\":\"" + exfil.baseUrl() + "/mcp\"}}}");
        refused(
                "--mcp-config:sse",
                "-p",
                "hi",
                "--mcp-config={\"mcpServers\":{\"e\":{\"type\":\"sse\",\"url\":\"http://x\\\\@127.0.0.1/\"}}}");
        refused("--plugin-url", "-p", "hi", "--plugin-url", "http://127.0.0.1:1/p.zip");
        assertThat(exfil.received()).as("the unlisted MCP host heard nothing").isEmpty();
        refused("--dangerously-skip-permissions", "-p", "hi", "--dangerously-skip-permissions");
    }

    @Test
    @Execution(ExecutionMode.CONCURRENT)
    void permissionRulesCannotReachOutsideTheWorkspace() {
        String secret = home.resolve(".aws/credentials").toString();
        api.script(
                MessagesStandIn.Turn.toolUse("Read", "{\"file_path\":\"" + secret + "\"}"),
                MessagesStandIn.Turn.text("done"));
        int before = api.agentLoopBodies().size();
        Call c = refused("--allowedTools=outside-workspace", "-p", "read it", "--allowedTools", "Read(//**)");
        assertThat(c.result().stderr()).contains("reaches outside the working directory");
        refused("--allowedTools=outside-workspace", "-p", "read it", "--allowedTools=Read(~/.aws/**)");
        refused("--allowedTools=outside-workspace", "-p", "read it", "--allowedTools", "Read");
        refused(
                "--allowedTools=outside-workspace",
                "-p",
                "read it",
                "--settings",
                "{\"permissions\":{\"allow\":[\"Read(../../**)\"]}}");
        assertThat(api.agentLoopBodies()).hasSize(before);
        assertThat(String.join("", api.agentLoopBodies())).doesNotContain("HOST-SECRET-AWS");
        api.script();
    }

    @ParameterizedTest
    @Execution(ExecutionMode.CONCURRENT)
    @ValueSource(strings = {"[/../../../../etc/passwd", "{/../../../../etc/passwd", " [1,2", "{\"model\":\"x\""})
    void jsonLikeValuesThatClaudeWouldReadAsPathsAreRefused(String value) {
        assertThat(refused("--settings", "-p", "hi", "--settings", value)
                        .result()
                        .stderr())
                .contains("--settings");
    }

    @Test
    @Execution(ExecutionMode.CONCURRENT)
    void workOutsideTheRequestIsNeverStarted() {
        refused("--cloud", "-p", "hi", "--cloud");
        refused("--teleport", "--teleport");
        refused("--bg", "-p", "hi", "--bg");
        refused("--background", "-p", "--", "--background");
        refused("--remote-control", "--remote-control");
        refused("self-hosted-runner", "self-hosted-runner");
        refused("daemon", "daemon", "status");
        refused("attach", "attach", "x");
        refused("stop", "stop", "x");
        refused("agents", "agents");
        refused("--not-an-option", "-p", "hi", "--not-an-option");
    }

    @Test
    @Execution(ExecutionMode.CONCURRENT)
    void aPromptThatIsABackgroundVerbIsAPrompt() {
        for (List<String> argv : List.of(
                List.of("-p", "stop"),
                List.of("--model", "claude-sonnet-4-5", "-p", "stop"),
                List.of("-p", "--model", "claude-sonnet-4-5", "logs"))) {
            Call c = call(new byte[0], argv.toArray(String[]::new));
            assertThat(c.result().status()).as("%s: %s", argv, c.result()).isZero();
            assertThat(c.result().out()).contains(MessagesStandIn.REPLY);
            assertThat(c.end().path("decision").asText()).isEqualTo("allowed");
        }
        // what claude does read as a verb behind options: VERB ID, with no option before it that picks a mode
        refused("stop", "--model", "-p", "stop", "abcdef12");
        refused("respawn", "--verbose", "respawn", "--all");
    }

    @Test
    @Execution(ExecutionMode.CONCURRENT)
    void theNewestAgentSdksLaunchFlagRunsAndTheSettingsItCouldCarryDoNot() {
        refused(
                "--initialize-fields",
                "--output-format",
                "stream-json",
                "--verbose",
                "--input-format",
                "stream-json",
                "--await-initialize",
                "--initialize-fields=settings");
        refused(
                "--managed-settings-in-initialize",
                "--input-format",
                "stream-json",
                "--await-initialize",
                "--managed-settings-in-initialize");
        Assumptions.assumeTrue(readsInitializeAtLaunch(), "this CLI predates --await-initialize: the rest is skipped");
        byte[] stdin =
                ("{\"type\":\"control_request\",\"request_id\":\"init-1\",\"request\":{\"subtype\":\"initialize\"}}\n"
                                + USER_MESSAGE)
                        .getBytes(StandardCharsets.UTF_8);
        Call c = call(stdin, streamJson("--model=claude-sonnet-4-5", "--await-initialize"));
        assertThat(c.end().path("decision").asText()).as("%s", c.result()).isEqualTo("allowed");
        assertThat(c.result().status()).as("%s", c.result()).isZero();
        assertThat(c.result().out()).contains("\"request_id\":\"init-1\"").contains(MessagesStandIn.REPLY);
    }

    @Test
    @Execution(ExecutionMode.CONCURRENT)
    void printWithStreamJsonRuns() {
        Call c = call(new byte[0], "-p", "hi", "--output-format", "stream-json", "--verbose");
        assertThat(c.result().status()).as("%s", c.result()).isZero();
        assertThat(c.result().out()).contains(MessagesStandIn.REPLY).contains("\"type\":\"result\"");
        assertThat(c.end().path("decision").asText()).isEqualTo("allowed");
    }

    @Test
    @Execution(ExecutionMode.CONCURRENT)
    void planModeAndAMappedAddDirRun() {
        Call plan = call(new byte[0], "-p", "hi", "--permission-mode", "plan");
        assertThat(plan.result().status()).as("%s", plan.result()).isZero();
        assertThat(plan.result().out()).contains(MessagesStandIn.REPLY);
        Call add = call(new byte[0], "-p", "hi", "--add-dir", "lib", "--allowedTools", "Read(lib/**)");
        assertThat(add.result().status()).as("%s", add.result()).isZero();
        assertThat(add.result().out()).contains(MessagesStandIn.REPLY);
        assertThat(add.end().path("argv").toString()).contains("lib"); // the audit keeps what the caller sent
    }

    @Test
    @Execution(ExecutionMode.CONCURRENT)
    void theAgentSdksArgvRuns() {
        Call c = call(
                USER_MESSAGE.getBytes(StandardCharsets.UTF_8),
                streamJson(
                        "--include-partial-messages",
                        "--permission-prompt-tool",
                        "stdio",
                        "--mcp-config",
                        "{\"mcpServers\":{\"x\":{\"type\":\"sdk\",\"name\":\"x\"}}}",
                        "--setting-sources",
                        "",
                        "--max-turns",
                        "3",
                        "--model",
                        "claude-sonnet-4-5",
                        "--permission-mode",
                        "default",
                        "--allowedTools",
                        "Read(**),Grep(src)",
                        "--settings",
                        "{\"sandbox\":{\"enabled\":false}}"));
        assertThat(c.end().path("decision").asText()).as("%s", c.result()).isEqualTo("allowed");
        assertThat(c.result().out()).contains("\"type\":\"system\"");
    }
}
