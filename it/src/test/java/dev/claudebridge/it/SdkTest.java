package dev.claudebridge.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.claudebridge.it.MessagesStandIn.Turn;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The TypeScript Agent SDK (both pinned versions, installed into .tools/ by ./build.sh test) with the
 * bridge client as its {@code pathToClaudeCodeExecutable}, against the real CLI and the Messages
 * stand-in, each scenario compared with the same query run directly: partial messages, a tool whose
 * working directory is the mapped host directory, an in-process SDK MCP tool, multi-turn streaming
 * input, interrupt(), and abort (the query rejects as it does directly, and the host process tree is
 * gone within the SDK's own kill schedule: SIGTERM 2 s after closing stdin, SIGKILL 5 s later).
 *
 * <p>The scenarios run concurrently, each on a host of its own ({@link HostPool}): a scenario's direct
 * and bridged runs share that host's stand-in, one after the other.
 */
class SdkTest {
    static final List<String> VERSIONS = List.of("0.3.197", "0.3.337");
    private static final String SLEEP = "sleep 89";
    /** The SDK's kill schedule (2 s + 5 s), the daemon's kill grace (1 s), and room for a busy machine. */
    private static final long ABORT_BOUND_MS = 2_000 + 5_000 + 1_000 + 7_000;

    private static final ObjectMapper JSON = new ObjectMapper();

    private static HostPool hosts;

    @BeforeAll
    static void start() {
        RealClaudeHost.Setup setup = RealClaudeHost.with("claude.real")
                // the scenarios pre-approve Bash, which a profile must opt into
                .profile("allow-args: [\"--allowedTools=Bash\"]");
        Assumptions.assumeTrue(onPath("node"), "node is not installed: the Agent SDK tests are skipped");
        hosts = new HostPool(setup::start);
    }

    @AfterAll
    static void stop() {
        if (hosts != null) {
            hosts.close();
        }
    }

    static boolean onPath(String program) {
        return Stream.of(System.getenv().getOrDefault("PATH", "").split(":"))
                .anyMatch(d -> Files.isExecutable(Path.of(d, program)));
    }

    /** The installed SDK for a version, or the test is skipped saying how to get it. */
    static Path sdk(String version) {
        Path d = Bridge.HOME.resolve(".tools/agent-sdk-" + version);
        Assumptions.assumeTrue(
                Files.isDirectory(d.resolve("node_modules/@anthropic-ai/claude-agent-sdk")),
                "@anthropic-ai/claude-agent-sdk@" + version + " is not installed in " + d
                        + " (./build.sh test installs it with npm): skipped");
        return d;
    }

    static Stream<String> versions() {
        return VERSIONS.stream();
    }

    @Execution(ExecutionMode.CONCURRENT)
    @ParameterizedTest(name = "SDK {0}")
    @MethodSource("versions")
    void partialMessagesStreamAsTheyDoDirectly(String version) throws Exception {
        try (var lease = hosts.borrow()) {
            RealClaudeHost host = lease.host();
            Run direct = run(host, version, "partial", false, Turn.text("Hello in parts"));
            Run bridged = run(host, version, "partial", true, Turn.text("Hello in parts"));
            assertThat(direct.summary().path("partials").asInt())
                    .as("direct %s", direct)
                    .isPositive();
            assertThat(bridged.summary().path("partials").asInt())
                    .as("bridged %s", bridged)
                    .isEqualTo(direct.summary().path("partials").asInt());
            assertThat(bridged.summary().get("results"))
                    .isEqualTo(direct.summary().get("results"));
            assertThat(bridged.summary().get("results").toString()).contains("Hello in parts");
        }
    }

    @Execution(ExecutionMode.CONCURRENT)
    @ParameterizedTest(name = "SDK {0}")
    @MethodSource("versions")
    void aToolRunsInTheMappedHostDirectory(String version) throws Exception {
        try (var lease = hosts.borrow()) {
            RealClaudeHost host = lease.host();
            Run bridged = run(
                    host, version, "tool-cwd", true, Turn.toolUse("Bash", "{\"command\":\"pwd\"}"), Turn.text("done"));
            assertThat(bridged.summary().get("toolUses").toString()).contains("Bash");
            assertThat(bridged.summary().get("results").toString())
                    .as("bridged %s", bridged)
                    .contains("done");
            assertThat(String.join("\n", bridged.agentLoopBodies()))
                    .as("the tool result the model got")
                    .contains(host.project.toString());
        }
    }

    @Execution(ExecutionMode.CONCURRENT)
    @ParameterizedTest(name = "SDK {0}")
    @MethodSource("versions")
    void anInProcessSdkMcpToolIsCalledInTheCallersProcess(String version) throws Exception {
        Turn[] turns = {Turn.toolUse("mcp__calc__add", "{\"a\":2,\"b\":3}"), Turn.text("done")};
        try (var lease = hosts.borrow()) {
            Run direct = run(lease.host(), version, "mcp", false, turns);
            Run bridged = run(lease.host(), version, "mcp", true, turns);
            assertThat(direct.summary().get("mcpCalls").toString())
                    .as("direct %s", direct)
                    .isEqualTo("[[2,3]]");
            assertThat(bridged.summary().get("mcpCalls").toString())
                    .as("bridged %s", bridged)
                    .isEqualTo("[[2,3]]");
            assertThat(String.join("\n", bridged.agentLoopBodies()))
                    .as("the tool result the model got")
                    .contains("sum=5");
            assertThat(bridged.summary().get("results"))
                    .isEqualTo(direct.summary().get("results"));
        }
    }

    @Execution(ExecutionMode.CONCURRENT)
    @ParameterizedTest(name = "SDK {0}")
    @MethodSource("versions")
    void multiTurnStreamingInputKeepsOneConversation(String version) throws Exception {
        Turn[] turns = {Turn.text("one"), Turn.text("two"), Turn.text("three")};
        try (var lease = hosts.borrow()) {
            Run direct = run(lease.host(), version, "multi-turn", false, turns);
            Run bridged = run(lease.host(), version, "multi-turn", true, turns);
            assertThat(bridged.summary().get("results"))
                    .as("bridged %s%ndirect %s", bridged, direct)
                    .isEqualTo(direct.summary().get("results"));
            assertThat(bridged.summary().get("results").toString())
                    .contains("one")
                    .contains("two")
                    .contains("three");
            assertThat(bridged.summary().get("error").isNull())
                    .as("bridged %s", bridged)
                    .isTrue();
        }
    }

    @Execution(ExecutionMode.CONCURRENT)
    @ParameterizedTest(name = "SDK {0}")
    @MethodSource("versions")
    void interruptEndsTheTurnAndTheConversationGoesOn(String version) throws Exception {
        Turn[] turns = {Turn.toolUse("Bash", "{\"command\":\"" + SLEEP + "\"}"), Turn.text("after the interrupt")};
        try (var lease = hosts.borrow()) {
            Run direct = run(lease.host(), version, "interrupt", false, turns);
            Run bridged = run(lease.host(), version, "interrupt", true, turns);
            assertThat(subtypes(bridged))
                    .as("bridged %s%ndirect %s", bridged, direct)
                    .isEqualTo(subtypes(direct));
            assertThat(bridged.summary().get("results").toString()).contains("after the interrupt");
            assertThat(bridged.summary().get("error"))
                    .isEqualTo(direct.summary().get("error"));
            assertThat(bridged.toolEnded()).as("the interrupted tool ended").isTrue();
        }
    }

    @Execution(ExecutionMode.CONCURRENT)
    @ParameterizedTest(name = "SDK {0}")
    @MethodSource("versions")
    void abortRejectsTheQueryAndEndsTheHostTreeWithinTheSdksKillSchedule(String version) throws Exception {
        Turn[] turns = {Turn.toolUse("Bash", "{\"command\":\"" + SLEEP + "\"}")};
        try (var lease = hosts.borrow()) {
            Run direct = run(lease.host(), version, "abort", false, turns);
            Run bridged = run(lease.host(), version, "abort", true, turns);
            System.out.printf(
                    "SDK %s abort: host tree gone %d ms after abort() bridged (tool ended: %s), %d ms direct (tool ended: %s)%n",
                    version, bridged.treeGoneMs(), bridged.toolEnded(), direct.treeGoneMs(), direct.toolEnded());
            assertThat(direct.summary().get("error").isNull())
                    .as("direct: the query rejects %s", direct)
                    .isFalse();
            assertThat(bridged.summary().get("error"))
                    .as("bridged %s%ndirect %s", bridged, direct)
                    .isEqualTo(direct.summary().get("error"));
            assertThat(bridged.treeGoneMs())
                    .as("ms from abort() until the host tree was gone; direct: %d", direct.treeGoneMs())
                    .isBetween(0L, ABORT_BOUND_MS);
            assertThat(bridged.toolEnded()).as("the host tool ended").isTrue();
        }
    }

    @Execution(ExecutionMode.CONCURRENT)
    @Test
    void aPythonSdkStyleCallerGetsItsResultAndTheClientEndsOnEof() throws Exception {
        Assumptions.assumeTrue(onPath("python3"), "python3 is not installed: skipped");
        try (var lease = hosts.borrow()) {
            Run direct = runPython(lease.host(), "complete", false, Turn.text("from python"));
            Run bridged = runPython(lease.host(), "complete", true, Turn.text("from python"));
            assertThat(direct.summary().path("ended_by").asText())
                    .as("direct %s", direct)
                    .isEqualTo("eof");
            assertThat(bridged.summary().get("result"))
                    .as("bridged %s%ndirect %s", bridged, direct)
                    .isEqualTo(direct.summary().get("result"));
            assertThat(bridged.summary().path("ended_by").asText()).isEqualTo("eof");
            assertThat(bridged.summary().path("status").asInt())
                    .isEqualTo(direct.summary().path("status").asInt())
                    .isZero();
        }
    }

    @Execution(ExecutionMode.CONCURRENT)
    @Test
    void aPythonSdkStyleAbortEndsLikeTheDirectOneAndLeavesNoHostTree() throws Exception {
        Assumptions.assumeTrue(onPath("python3"), "python3 is not installed: skipped");
        Turn[] turns = {Turn.toolUse("Bash", "{\"command\":\"" + SLEEP + "\"}")};
        try (var lease = hosts.borrow()) {
            RealClaudeHost host = lease.host();
            Run direct = runPython(host, "abort", false, turns);
            Run bridged = runPython(host, "abort", true, turns);
            System.out.printf("python-style abort: bridged %s; direct %s%n", bridged.summary(), direct.summary());
            assertThat(bridged.summary().path("ended_by").asText())
                    .as("bridged %s%ndirect %s", bridged, direct)
                    .isEqualTo(direct.summary().path("ended_by").asText());
            // on that SIGTERM the real claude exits 0 or 143 from run to run (measured directly both ways)
            assertThat(direct.summary().path("status").asInt())
                    .as("direct %s", direct)
                    .isIn(0, 143);
            assertThat(bridged.summary().path("status").asInt())
                    .as("bridged %s", bridged)
                    .isIn(0, 143);
            assertThat(bridged.toolEnded()).as("the host tool ended").isTrue();
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(ABORT_BOUND_MS / 1000);
            while (System.nanoTime() < until && !host.hostTree().isEmpty()) {
                Bridge.sleep(20);
            }
            assertThat(host.hostTree()).isEmpty();
        }
    }

    private static List<String> subtypes(Run r) {
        List<String> out = new ArrayList<>();
        r.summary().get("results").forEach(n -> out.add(n.path("subtype").asText()));
        return out;
    }

    /** What one driver run produced; {@code treeGoneMs} is -1 when the scenario does not abort. */
    record Run(JsonNode summary, List<String> agentLoopBodies, long treeGoneMs, boolean toolEnded, String stderr) {}

    /**
     * Runs the driver for a scenario, directly (the real CLI as the executable) or through the bridge
     * client. A run whose scenario stops at a tool gets its go once the tool's sleep is running.
     */
    static Run run(RealClaudeHost host, String version, String scenario, boolean bridged, Turn... turns)
            throws Exception {
        Path sdk = sdk(version);
        Path driver = Bridge.HOME.resolve("it/src/test/resources/sdk/driver.mjs");
        return drive(
                host,
                List.of(
                        "node",
                        driver.toString(),
                        sdk.toString(),
                        scenario,
                        host.executable(bridged),
                        host.project.toString()),
                version + " " + scenario,
                bridged,
                turns);
    }

    /** Runs {@code python_sdk_like.py} in a mode (complete, abort). */
    static Run runPython(RealClaudeHost host, String mode, boolean bridged, Turn... turns) throws Exception {
        Path driver = Bridge.HOME.resolve("it/src/test/resources/sdk/python_sdk_like.py");
        return drive(
                host,
                List.of("python3", driver.toString(), host.executable(bridged), host.project.toString(), mode),
                "python " + mode,
                bridged,
                turns);
    }

    private static Run drive(RealClaudeHost host, List<String> command, String scenario, boolean bridged, Turn... turns)
            throws Exception {
        host.awaitQuiet();
        host.api.script(turns);
        int before = host.api.agentLoopBodies().size();
        ProcessBuilder pb = host.environment(new ProcessBuilder(command).directory(host.project.toFile()), bridged);
        Process p = pb.start();
        CompletableFuture<String> err = CompletableFuture.supplyAsync(
                () -> new String(Bridge.readAll(p.getErrorStream()), StandardCharsets.UTF_8),
                Thread::startVirtualThread);
        long treeGoneMs = -1;
        ProcessHandle sleep = null;
        String last = "";
        try (BufferedReader out =
                        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
                OutputStream in = p.getOutputStream()) {
            String line;
            while ((line = out.readLine()) != null) {
                last = line;
                if (line.equals("tool_use")) {
                    sleep = awaitSleep(host, p);
                    in.write('\n');
                    in.flush();
                } else if (line.startsWith("aborted ")) {
                    long abortedAt = Long.parseLong(line.substring("aborted ".length()));
                    long until = System.currentTimeMillis() + TimeUnit.SECONDS.toMillis(60);
                    while (System.currentTimeMillis() < until && !tree(host, p).isEmpty()) {
                        Bridge.sleep(20);
                    }
                    treeGoneMs = System.currentTimeMillis() - abortedAt;
                    // the tree is gone, so what is left of the SDK's kill schedule has nothing to do
                    in.write('\n');
                    in.flush();
                }
            }
            assertThat(p.waitFor(120, TimeUnit.SECONDS))
                    .as("the driver finished")
                    .isTrue();
            String stderr = err.join();
            assertThat(p.exitValue())
                    .as("driver %s (%s): stderr %s", scenario, bridged ? "bridged" : "direct", stderr)
                    .isZero();
            // a direct claude ended by SIGTERM leaves its Bash tool running: look once, without waiting for it
            boolean toolEnded = sleep == null || (bridged ? awaitEnd(sleep) : !Proc.running(sleep.pid()));
            List<String> bodies = host.api.agentLoopBodies();
            return new Run(
                    JSON.readTree(last),
                    bodies.subList(Math.min(before, bodies.size()), bodies.size()),
                    treeGoneMs,
                    toolEnded,
                    stderr);
        } finally {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            if (sleep != null) {
                sleep.destroyForcibly();
            }
        }
    }

    /** The processes of a run still alive: the driver's (the SDK's child) and the daemon's (the host claude's). */
    private static List<ProcessHandle> tree(RealClaudeHost host, Process driver) {
        return Stream.concat(driver.descendants().filter(h -> Proc.running(h.pid())), host.hostTree().stream())
                .toList();
    }

    private static boolean awaitEnd(ProcessHandle h) {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < until && Proc.running(h.pid())) {
            Bridge.sleep(50);
        }
        return !Proc.running(h.pid());
    }

    private static ProcessHandle awaitSleep(RealClaudeHost host, Process driver) {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < until) {
            var found = tree(host, driver).stream()
                    .filter(h -> h.info().commandLine().orElse("").endsWith(SLEEP)
                            && h.info().command().orElse("").endsWith("/sleep"))
                    .findFirst();
            if (found.isPresent()) {
                return found.get();
            }
            Bridge.sleep(50);
        }
        throw new AssertionError("the tool's sleep did not start within 60 s");
    }
}
