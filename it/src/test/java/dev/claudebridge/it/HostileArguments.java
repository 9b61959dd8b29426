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
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

/**
 * A hostile caller's arguments, over a real socket to a daemon running a real claude with the default
 * profile and a stand-in Messages API. Each refusal is checked for its message, exit status 78 and its
 * audit record, and each test that refused anything checks that the daemon still serves afterwards.
 * The positive controls here show that what a normal caller and the Agent SDK pass still runs; they
 * run against both CLIs (the subclasses pick one: the pinned one and the newest checked), because only
 * claude itself can show it accepts an argv. The refusals are the daemon's, decided before any claude
 * starts and from one table for both CLIs ({@code ClaudeCli}), so they run once, in
 * {@link HostileArgumentsPinnedTest}. The tests run side by side, each on a host of its own
 * ({@link HostPool}).
 */
abstract class HostileArguments {
    /** The hosts of each CLI; the tests run side by side, each on a host of its own. */
    private static final Map<String, HostPool> HOSTS = new ConcurrentHashMap<>();
    /** Client names unique across the hosts' tests, so each call finds its own audit record. */
    private static final AtomicInteger CALLS = new AtomicInteger();

    private HostPool.Lease lease;
    Path home;
    private Path workspace;
    MessagesStandIn api;
    MessagesStandIn exfil;
    private AuditLines audit;
    /** Whether the test refused anything: then the daemon must still serve at its end. */
    private boolean refusedAny;

    /** One user turn as the Agent SDK writes it on stdin. */
    static final String USER_MESSAGE =
            "{\"type\":\"user\",\"message\":{\"role\":\"user\",\"content\":\"hi\"},\"parent_tool_use_id\":null,\"session_id\":\"\"}\n";

    /** The system property naming the CLI to run. */
    abstract String cliProperty();

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
        try {
            if (refusedAny) {
                stillServing(); // a refusal that broke the daemon would have failed the next call already
            }
        } finally {
            if (exfil != null) {
                exfil.close();
            }
            if (lease != null) {
                lease.close();
            }
        }
    }

    @AfterAll
    static void stop() {
        HOSTS.values().forEach(HostPool::close);
        HOSTS.clear();
    }

    /** One call from the mapped project directory under a client name of its own; returns its result and its end record. */
    Call call(byte[] stdin, String... args) {
        String client = "hostile-" + CALLS.incrementAndGet();
        ProcessBuilder pb = lease.host().bridge.client(workspace, args);
        pb.environment().put("CLAUDE_BRIDGE_CLIENT_NAME", client);
        Bridge.Result r = Bridge.run(pb, stdin);
        return new Call(r, audit.endOf(client));
    }

    record Call(Bridge.Result result, JsonNode end) {}

    /** stream-json both ways, as the Agent SDK runs claude, then {@code more}. */
    static String[] streamJson(String... more) {
        List<String> argv = new java.util.ArrayList<>(
                List.of("--output-format", "stream-json", "--verbose", "--input-format", "stream-json"));
        argv.addAll(List.of(more));
        return argv.toArray(String[]::new);
    }

    Call refused(String rule, String... args) {
        refusedAny = true;
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
        return c;
    }

    private void stillServing() {
        Call v = call(new byte[0], "--version");
        assertThat(v.result().status()).as("still serving: %s", v.result()).isZero();
        assertThat(v.result().out()).contains("Claude Code");
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
