package dev.claudebridge.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.claudebridge.it.MessagesStandIn.Turn;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * An agent with every permission, as people run one in a container, through a sandboxed profile: the
 * real claude with bypass permissions runs scripted Bash turns, and what they did is checked on the
 * host. The same turns through an unsandboxed profile show the difference, so each check can fail.
 */
class SandboxTest {
    private static final String REAL_KEY = "sk-ant-api03-the-hosts-real-key-never-in-the-sandbox";
    private static final String SSH_KEY = "PRIVATE-KEY-MATERIAL-OF-THE-HOST";
    private static final String LOGIN = "HOST-LOGIN-ACCESS-TOKEN";

    private static Path dir;
    private static Path home;
    private static Path workspace;
    private static Path otherAgent;
    private static MessagesStandIn api;
    private static Bridge sandboxed;
    private static Bridge open;
    private static ServerSocket bystander;
    private static final AtomicInteger bystanderHits = new AtomicInteger();

    @BeforeAll
    static void start() throws IOException {
        String prop = System.getProperty("claude.real", "");
        Assumptions.assumeTrue(
                !prop.isBlank() && Files.isExecutable(Path.of(prop)),
                "the real claude CLI is not installed (./build.sh test installs it into .tools/): skipped");
        Bridge.assumeBubblewrap();
        dir = Bridge.tempDir();
        home = Files.createDirectories(dir.resolve("home"));
        Files.writeString(home.resolve(".claude.json"), "{\"hasCompletedOnboarding\":true}");
        Files.writeString(Files.createDirectories(home.resolve(".ssh")).resolve("id_ed25519"), SSH_KEY + "\n");
        Files.writeString(
                Files.createDirectories(home.resolve(".claude")).resolve(".credentials.json"),
                "{\"claudeAiOauth\":{\"accessToken\":\"" + LOGIN + "\"}}");
        workspace = Files.createDirectories(dir.resolve("agents/a"));
        otherAgent = Files.createDirectories(dir.resolve("agents/b"));
        api = new MessagesStandIn();
        bystander = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().start(() -> {
            while (!bystander.isClosed()) {
                try (Socket s = bystander.accept()) {
                    bystanderHits.incrementAndGet();
                } catch (IOException e) {
                    // closed at the end
                }
            }
        });
        claudePath = Path.of(prop).toString();
        sandboxed = start("sandboxed", workspace, "{ sandbox: on, allow-args: [\"--dangerously-skip-permissions\"] }");
        open = start("open", workspace, "{ allow-args: [\"--allowedTools=Bash\"] }");
    }

    private static String claudePath;

    /** The daemons' environment: the stand-in API and the host's real key, as a host would have them. */
    private static Map<String, String> env() {
        return Map.of(
                "HOME",
                home.toString(),
                "ANTHROPIC_BASE_URL",
                api.baseUrl(),
                "ANTHROPIC_API_KEY",
                REAL_KEY,
                "DISABLE_AUTOUPDATER",
                "1",
                "CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC",
                "1");
    }

    /** A daemon whose default profile is {@code profile} (YAML), mapping {@code ws} to itself. */
    private static Bridge start(String name, Path ws, String profile) throws IOException {
        return SandboxRuns.daemon(dir, name, claudePath, env(), ws, profile);
    }

    @AfterAll
    static void stop() throws IOException {
        if (bystander != null) {
            bystander.close();
        }
        if (api != null) {
            api.close();
        }
        for (Bridge b : new Bridge[] {sandboxed, open}) {
            if (b != null) {
                b.close();
            }
        }
        if (dir != null) {
            Bridge.deleteTree(dir);
        }
    }

    @Test
    void theWorkspaceIsWritableAndNothingElseOfTheHost() throws IOException {
        String script = "touch " + workspace.resolve("inside") + "; for f in " + home.resolve("in-home") + " "
                + otherAgent.resolve("in-other-agent") + " /etc/claude-bridge-sandbox-test " + dir.resolve("in-parent")
                + "; do touch $f 2>/dev/null && echo WROTE $f; done; echo end";
        String result = bash(sandboxed, script);
        assertThat(workspace.resolve("inside"))
                .as("the workspace is writable: %s", result)
                .exists();
        assertThat(List.of(home.resolve("in-home"), otherAgent.resolve("in-other-agent"), dir.resolve("in-parent")))
                .as("nothing outside the workspace: %s", result)
                .allSatisfy(p -> assertThat(p).doesNotExist());
        assertThat(Path.of("/etc/claude-bridge-sandbox-test")).doesNotExist();

        bash(open, script.replace("inside", "inside-open"));
        try {
            assertThat(home.resolve("in-home"))
                    .as("unsandboxed, the same turn writes the host's HOME")
                    .exists();
            assertThat(otherAgent.resolve("in-other-agent")).exists();
        } finally {
            for (Path p : List.of(
                    home.resolve("in-home"),
                    otherAgent.resolve("in-other-agent"),
                    dir.resolve("in-parent"),
                    Path.of("/etc/claude-bridge-sandbox-test"))) {
                Files.deleteIfExists(p);
            }
        }
    }

    @Test
    void secretsOfTheHostCannotBeRead() {
        // encoded, as an agent would to get past claude's own deny rules for these paths: the sandbox must hold anyway
        String script = hidden("cat ~/.ssh/id_ed25519 " + home.resolve(".ssh/id_ed25519") + " "
                + home.resolve(".claude/.credentials.json") + " ~/.claude/.credentials.json /etc/shadow 2>&1; env");
        String result = bash(sandboxed, script);
        assertThat(result).contains("No such file").doesNotContain(SSH_KEY).doesNotContain(LOGIN);
        assertThat(result).as("env in the sandbox").doesNotContain(REAL_KEY).contains("IS_SANDBOX=1");
        assertThat(api.received().stream().filter(r -> r.method().equals("POST")))
                .as("the API saw the host's real key on every call (the proxy swapped it in), never a placeholder")
                .isNotEmpty()
                .allSatisfy(r -> {
                    assertThat(r.apiKey()).isEqualTo(REAL_KEY);
                    assertThat(r.authorization()).isEmpty();
                });

        String unsandboxed = bash(open, script);
        assertThat(unsandboxed)
                .as("unsandboxed, the same turn reads them")
                .contains(SSH_KEY)
                .contains(REAL_KEY);
    }

    @Test
    void noNetworkButTheApi() {
        int port = bystander.getLocalPort();
        String script = "(echo hi > /dev/tcp/127.0.0.1/" + port + ") 2>&1 && echo CONNECTED || echo REFUSED";
        int before = bystanderHits.get();
        String result = bash(sandboxed, script);
        assertThat(result).contains("REFUSED");
        Bridge.sleep(200);
        assertThat(bystanderHits.get())
                .as("a host service on loopback was not reached")
                .isEqualTo(before);

        bash(open, script);
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (bystanderHits.get() == before && System.nanoTime() < until) {
            Bridge.sleep(20);
        }
        assertThat(bystanderHits.get())
                .as("unsandboxed, the same turn reaches it")
                .isGreaterThan(before);
    }

    @Test
    void aBackgroundWorkerDoesNotOutliveTheRequest() throws IOException {
        Path late = workspace.resolve("late");
        String marker = "sandbox-escapee-" + ProcessHandle.current().pid();
        String script = "setsid nohup sh -c 'sleep 3; touch " + late + "; exec sleep 600 " + marker
                + "' >/dev/null 2>&1 & echo started";
        String result = bash(sandboxed, script);
        assertThat(result).contains("started");
        Bridge.sleep(5000);
        assertThat(late).as("the worker was ended with the request").doesNotExist();
        assertThat(ProcessHandle.allProcesses()
                        .filter(p -> p.info().commandLine().orElse("").contains(marker))
                        .toList())
                .isEmpty();
    }

    @Test
    void aProfileThatWouldShowTheDaemonsHomeIsRefused() throws IOException {
        // dir holds the daemon's HOME (and its login, its ~/.ssh): shown read-only it would cover the private one
        try (Bridge b = start("home-shown", workspace, "{ sandbox: { read-only: [\"" + dir + "\"] } }")) {
            Bridge.Result r = Bridge.run(b.client(workspace, "-p", "go"), new byte[0]);
            assertThat(r.status()).as("%s", r).isEqualTo(78);
            assertThat(r.stderr()).contains("home directory").contains(home.toString());
            assertThat(new AuditLines(b.auditLog()).awaitEnds(2)) // the fixture's readiness probe, then the request
                    .anySatisfy(n -> assertThat(n.path("rule").asText()).isEqualTo("sandbox"));
        }
    }

    @Test
    void workspaceHooksAndMcpServersRunInsideToo() throws IOException {
        // a profile that trusts the workspace's own settings (hooks and all) and adds none of the daemon's
        String trusting = "{ sandbox: SANDBOX, setting-sources: [user, project], daemon-settings: off,"
                + " allow-args: [\"--dangerously-skip-permissions\", \"--allowedTools=Bash\"] }";
        for (boolean confined : new boolean[] {true, false}) {
            Path ws = Files.createDirectories(dir.resolve("agents/hooks-" + confined));
            Path outside = dir.resolve("written-by-workspace-" + confined);
            String payload = "touch " + outside + "; touch " + ws.resolve("ran"); // each use appends its name to both
            Files.writeString(
                    Files.createDirectories(ws.resolve(".claude")).resolve("settings.json"),
                    "{\"enableAllProjectMcpServers\":true,\"hooks\":{\"SessionStart\":[{\"hooks\":[{\"type\":\"command\","
                            + "\"command\":\""
                            + MessagesStandIn.escape(payload.replace(outside.toString(), outside + "-hook") + "-hook")
                            + "\"}]}]}}");
            Files.writeString(
                    ws.resolve(".mcp.json"),
                    "{\"mcpServers\":{\"w\":{\"command\":\"sh\",\"args\":[\"-c\",\""
                            + MessagesStandIn.escape(
                                    payload.replace(outside.toString(), outside + "-mcp") + "-mcp; sleep 2")
                            + "\"]}}}");
            String name = "hooks-" + confined;
            try (Bridge b = start(name, ws, trusting.replace("SANDBOX", confined ? "on" : "off"))) {
                api.script(Turn.text("done"));
                String flag = confined ? "--dangerously-skip-permissions" : "--allowedTools=Bash";
                Bridge.Result r = Bridge.run(b.client(ws, "-p", "go", flag), new byte[0]);
                assertThat(r.status()).as("%s\n%s", r, b.log()).isZero();
            }
            assertThat(ws.resolve("ran-hook"))
                    .as("the workspace's hook ran (confined: %s)", confined)
                    .exists();
            assertThat(ws.resolve("ran-mcp"))
                    .as("the workspace's MCP server ran (confined: %s)", confined)
                    .exists();
            if (confined) {
                assertThat(Path.of(outside + "-hook"))
                        .as("a hook in the sandbox wrote nothing outside")
                        .doesNotExist();
                assertThat(Path.of(outside + "-mcp"))
                        .as("an MCP server in the sandbox wrote nothing outside")
                        .doesNotExist();
            } else {
                assertThat(Path.of(outside + "-hook"))
                        .as("unsandboxed, the same hook writes the host")
                        .exists();
            }
        }
    }

    /** A shell command that claude's permission check cannot read paths from. */
    private static String hidden(String command) {
        return "echo "
                + java.util.Base64.getEncoder()
                        .encodeToString(command.getBytes(java.nio.charset.StandardCharsets.UTF_8))
                + " | base64 -d | sh";
    }

    /** Runs one Bash turn through {@code bridge} and returns what claude sent back to the model as its result. */
    @Test
    void aSandboxedRunsUsageIsReadFromTheTranscriptItWrote() {
        ProcessBuilder pb = sandboxed.client(workspace, "-p", "hi");
        pb.environment().put("CLAUDE_BRIDGE_CLIENT_NAME", "usage-in-sandbox");
        Bridge.Result r = Bridge.run(pb, new byte[0]);
        assertThat(r.status()).as("%s", r).isZero();
        com.fasterxml.jackson.databind.JsonNode end =
                new AuditLines(dir.resolve("sandboxed").resolve("audit.log")).endOf("usage-in-sandbox");
        com.fasterxml.jackson.databind.JsonNode u = end.path("usage");
        assertThat(u.path("source").asText())
                .as("plain text in a sandbox: its transcript, in the caller's configuration directory: %s", end)
                .isEqualTo("transcript");
        assertThat(u.path("input_tokens").asLong())
                .as("the stand-in's figures: %s", end)
                .isEqualTo(10);
        assertThat(u.path("output_tokens").asLong()).isEqualTo(5);
        assertThat(u.path("turns").asLong()).isEqualTo(1);
    }

    private static String bash(Bridge bridge, String command) {
        String permission = bridge == sandboxed ? "--dangerously-skip-permissions" : "--allowedTools=Bash";
        return SandboxRuns.bash(api, bridge, workspace, permission, command);
    }
}
