package dev.claudebridge.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.claudebridge.it.MessagesStandIn.Turn;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The TypeScript Agent SDK (both pinned versions, installed into .tools/ by ./build.sh test) with the
 * bridge client as its {@code pathToClaudeCodeExecutable}, against the real CLI and the Messages
 * stand-in, each scenario compared with the same query run directly: partial messages, a tool whose
 * working directory is the mapped host directory, an in-process SDK MCP tool, multi-turn streaming
 * input, interrupt(), and abort (the query rejects as it does directly, and the host process tree is
 * gone within the SDK's own kill schedule: SIGTERM 2 s after closing stdin, SIGKILL 5 s later).
 */
class SdkTest {
    static final List<String> VERSIONS = List.of("0.3.197", "0.3.337");
    private static final String KEY = "sk-test-standin-0123456789abcdef";
    private static final String SLEEP = "sleep 89";
    /** The SDK's kill schedule (2 s + 5 s), the daemon's kill grace (1 s), and room for a busy machine. */
    private static final long ABORT_BOUND_MS = 2_000 + 5_000 + 1_000 + 7_000;

    private static final ObjectMapper JSON = new ObjectMapper();

    private static Path claude;
    private static Path dir;
    private static Path project;
    private static Path callerHome;
    private static MessagesStandIn api;
    private static Bridge bridge;
    private static Map<String, String> apiEnv;

    @BeforeAll
    static void start() throws IOException {
        String prop = System.getProperty("claude.real", "");
        Assumptions.assumeTrue(
                !prop.isBlank() && Files.isExecutable(Path.of(prop)),
                "the real claude CLI is not installed (./build.sh test installs it into .tools/): skipped");
        Assumptions.assumeTrue(onPath("node"), "node is not installed: the Agent SDK tests are skipped");
        claude = Path.of(prop);
        dir = Bridge.tempDir();
        Path home = Files.createDirectories(dir.resolve("home"));
        Files.writeString(home.resolve(".claude.json"), "{\"hasCompletedOnboarding\":true}");
        callerHome = Files.createDirectories(dir.resolve("caller-home"));
        project = Files.createDirectories(dir.resolve("project"));
        api = new MessagesStandIn();
        apiEnv = Map.of(
                "HOME",
                home.toString(),
                "ANTHROPIC_BASE_URL",
                api.baseUrl(),
                "ANTHROPIC_API_KEY",
                KEY,
                "DISABLE_AUTOUPDATER",
                "1",
                "DISABLE_TELEMETRY",
                "1",
                "CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC",
                "1");
        bridge = Bridge.start(
                dir,
                SdkTest::foreign,
                apiEnv,
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

    /** Nothing of the developer's own Claude settings, credentials or proxies may reach the CLI. */
    static boolean foreign(String name) {
        return name.startsWith("ANTHROPIC_")
                || name.startsWith("CLAUDE")
                || name.toLowerCase(Locale.ROOT).endsWith("_proxy");
    }

    static Stream<String> versions() {
        return VERSIONS.stream();
    }

    @ParameterizedTest(name = "SDK {0}")
    @MethodSource("versions")
    void partialMessagesStreamAsTheyDoDirectly(String version) throws Exception {
        Run direct = run(version, "partial", false, Turn.text("Hello in parts"));
        Run bridged = run(version, "partial", true, Turn.text("Hello in parts"));
        assertThat(direct.summary().path("partials").asInt())
                .as("direct %s", direct)
                .isPositive();
        assertThat(bridged.summary().path("partials").asInt())
                .as("bridged %s", bridged)
                .isEqualTo(direct.summary().path("partials").asInt());
        assertThat(bridged.summary().get("results")).isEqualTo(direct.summary().get("results"));
        assertThat(bridged.summary().get("results").toString()).contains("Hello in parts");
    }

    @ParameterizedTest(name = "SDK {0}")
    @MethodSource("versions")
    void aToolRunsInTheMappedHostDirectory(String version) throws Exception {
        Run bridged = run(version, "tool-cwd", true, Turn.toolUse("Bash", "{\"command\":\"pwd\"}"), Turn.text("done"));
        assertThat(bridged.summary().get("toolUses").toString()).contains("Bash");
        assertThat(bridged.summary().get("results").toString())
                .as("bridged %s", bridged)
                .contains("done");
        assertThat(String.join("\n", bridged.agentLoopBodies()))
                .as("the tool result the model got")
                .contains(project.toString());
    }

    @ParameterizedTest(name = "SDK {0}")
    @MethodSource("versions")
    void anInProcessSdkMcpToolIsCalledInTheCallersProcess(String version) throws Exception {
        Run direct = run(version, "mcp", false, Turn.toolUse("mcp__calc__add", "{\"a\":2,\"b\":3}"), Turn.text("done"));
        Run bridged = run(version, "mcp", true, Turn.toolUse("mcp__calc__add", "{\"a\":2,\"b\":3}"), Turn.text("done"));
        assertThat(direct.summary().get("mcpCalls").toString())
                .as("direct %s", direct)
                .isEqualTo("[[2,3]]");
        assertThat(bridged.summary().get("mcpCalls").toString())
                .as("bridged %s", bridged)
                .isEqualTo("[[2,3]]");
        assertThat(String.join("\n", bridged.agentLoopBodies()))
                .as("the tool result the model got")
                .contains("sum=5");
        assertThat(bridged.summary().get("results")).isEqualTo(direct.summary().get("results"));
    }

    @ParameterizedTest(name = "SDK {0}")
    @MethodSource("versions")
    void multiTurnStreamingInputKeepsOneConversation(String version) throws Exception {
        Turn[] turns = {Turn.text("one"), Turn.text("two"), Turn.text("three")};
        Run direct = run(version, "multi-turn", false, turns);
        Run bridged = run(version, "multi-turn", true, turns);
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

    @ParameterizedTest(name = "SDK {0}")
    @MethodSource("versions")
    void interruptEndsTheTurnAndTheConversationGoesOn(String version) throws Exception {
        Turn[] turns = {Turn.toolUse("Bash", "{\"command\":\"" + SLEEP + "\"}"), Turn.text("after the interrupt")};
        Run direct = run(version, "interrupt", false, turns);
        Run bridged = run(version, "interrupt", true, turns);
        assertThat(subtypes(bridged))
                .as("bridged %s%ndirect %s", bridged, direct)
                .isEqualTo(subtypes(direct));
        assertThat(bridged.summary().get("results").toString()).contains("after the interrupt");
        assertThat(bridged.summary().get("error")).isEqualTo(direct.summary().get("error"));
        assertThat(bridged.toolEnded()).as("the interrupted tool ended").isTrue();
    }

    @ParameterizedTest(name = "SDK {0}")
    @MethodSource("versions")
    void abortRejectsTheQueryAndEndsTheHostTreeWithinTheSdksKillSchedule(String version) throws Exception {
        Turn[] turns = {Turn.toolUse("Bash", "{\"command\":\"" + SLEEP + "\"}")};
        Run direct = run(version, "abort", false, turns);
        Run bridged = run(version, "abort", true, turns);
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

    @org.junit.jupiter.api.Test
    void aPythonSdkStyleCallerGetsItsResultAndTheClientEndsOnEof() throws Exception {
        Assumptions.assumeTrue(onPath("python3"), "python3 is not installed: skipped");
        Run direct = runPython("complete", false, Turn.text("from python"));
        Run bridged = runPython("complete", true, Turn.text("from python"));
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

    @org.junit.jupiter.api.Test
    void aPythonSdkStyleAbortEndsLikeTheDirectOneAndLeavesNoHostTree() throws Exception {
        Assumptions.assumeTrue(onPath("python3"), "python3 is not installed: skipped");
        Turn[] turns = {Turn.toolUse("Bash", "{\"command\":\"" + SLEEP + "\"}")};
        Run direct = runPython("abort", false, turns);
        Run bridged = runPython("abort", true, turns);
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
        while (System.nanoTime() < until
                && ProcessHandle.of(bridge.daemonPid())
                        .orElseThrow()
                        .descendants()
                        .anyMatch(h -> Proc.running(h.pid()))) {
            Bridge.sleep(20);
        }
        assertThat(ProcessHandle.of(bridge.daemonPid())
                        .orElseThrow()
                        .descendants()
                        .filter(h -> Proc.running(h.pid()))
                        .toList())
                .isEmpty();
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
    static Run run(String version, String scenario, boolean bridged, Turn... turns) throws Exception {
        Path sdk = sdk(version);
        Path driver = Bridge.HOME.resolve("it/src/test/resources/sdk/driver.mjs");
        String executable = bridged ? Bridge.CLIENT.toString() : claude.toString();
        return drive(
                List.of("node", driver.toString(), sdk.toString(), scenario, executable, project.toString()),
                version + " " + scenario,
                bridged,
                turns);
    }

    /** Runs {@code python_sdk_like.py} in a mode (complete, abort). */
    static Run runPython(String mode, boolean bridged, Turn... turns) throws Exception {
        Path driver = Bridge.HOME.resolve("it/src/test/resources/sdk/python_sdk_like.py");
        String executable = bridged ? Bridge.CLIENT.toString() : claude.toString();
        return drive(
                List.of("python3", driver.toString(), executable, project.toString(), mode),
                "python " + mode,
                bridged,
                turns);
    }

    private static Run drive(List<String> command, String scenario, boolean bridged, Turn... turns) throws Exception {
        awaitQuiet();
        api.script(turns);
        int before = api.agentLoopBodies().size();
        ProcessBuilder pb = new ProcessBuilder(command).directory(project.toFile());
        pb.environment().keySet().removeIf(SdkTest::foreign);
        if (bridged) {
            pb.environment()
                    .putAll(Map.of(
                            "HOME",
                            callerHome.toString(),
                            "CLAUDE_BRIDGE_SOCKET",
                            bridge.socket.toString(),
                            "CLAUDE_BRIDGE_CACHE",
                            Bridge.CLIENT_CACHE.toString()));
        } else {
            pb.environment().putAll(apiEnv);
        }
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
                    sleep = awaitSleep(p);
                    in.write('\n');
                    in.flush();
                } else if (line.startsWith("aborted ")) {
                    long abortedAt = Long.parseLong(line.substring("aborted ".length()));
                    long until = System.currentTimeMillis() + TimeUnit.SECONDS.toMillis(60);
                    while (System.currentTimeMillis() < until && !tree(p).isEmpty()) {
                        Bridge.sleep(20);
                    }
                    treeGoneMs = System.currentTimeMillis() - abortedAt;
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
            List<String> bodies = api.agentLoopBodies();
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
    private static List<ProcessHandle> tree(Process driver) {
        return Stream.concat(
                        driver.descendants(),
                        ProcessHandle.of(bridge.daemonPid()).orElseThrow().descendants())
                .filter(h -> Proc.running(h.pid()))
                .toList();
    }

    private static void awaitQuiet() {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < until
                && ProcessHandle.of(bridge.daemonPid())
                        .orElseThrow()
                        .descendants()
                        .anyMatch(h -> Proc.running(h.pid()))) {
            Bridge.sleep(50);
        }
    }

    private static boolean awaitEnd(ProcessHandle h) {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < until && Proc.running(h.pid())) {
            Bridge.sleep(50);
        }
        return !Proc.running(h.pid());
    }

    private static ProcessHandle awaitSleep(Process driver) {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < until) {
            var found = tree(driver).stream()
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
