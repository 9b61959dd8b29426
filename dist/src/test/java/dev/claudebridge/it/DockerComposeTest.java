package dev.claudebridge.it;

import static dev.claudebridge.it.DockerEnv.check;
import static dev.claudebridge.it.DockerEnv.docker;
import static dev.claudebridge.it.DockerEnv.run;
import static org.assertj.core.api.Assertions.assertThat;

import dev.claudebridge.it.DockerEnv.Result;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.yaml.snakeyaml.Yaml;

/**
 * deploy/docker-compose.yml for real, in the recommended layout: the bridge on the host (the release's
 * bin/claude-bridge with the real Claude Code CLI and the Messages API stand-in), three agents in
 * containers built from the release's Dockerfile.agent, brought up with docker-compose 1.29 as
 * DEPLOY.md says. Non-root agents without a network, each on its own socket directory, profile and
 * workspace. Steps run in order on one project; each prints its time.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DockerComposeTest {
    static final List<String> AGENTS = List.of("agent-1", "agent-2", "agent-3");
    static final String AGENT_UID = "4201";
    static final String SOCKET_GID = "4242";
    static final String KEY = "sk-test-standin-0123456789abcdef";
    static final String SOCKET = "claude-code-bridge.sock";
    static final String ECHO_SOCKET = "echo.sock";

    private static Path work;
    private static Path release;
    private static Path deploy;
    private static Path claude;
    private static String tag;
    private static MessagesStandIn api;
    private static DockerHostBridge bridge;
    private static DockerHostBridge echo;
    private static DockerCompose compose;
    private static boolean down;

    @BeforeAll
    static void up() throws IOException {
        DockerEnv.unavailable().ifPresent(why -> Assumptions.abort("containers cannot run here: " + why));
        claude = DockerEnv.realClaude().orElse(null);
        Assumptions.assumeTrue(
                claude != null,
                "the real claude CLI is not installed (./build.sh test installs it into .tools/): skipped");
        long t0 = System.nanoTime();
        work = Files.createTempDirectory("cb-compose-");
        tag = "e2e-" + ProcessHandle.current().pid();
        release = DockerEnv.unpackRelease(work);
        deploy = release.resolve("deploy");
        DockerEnv.buildImages(release, tag);

        Path run = Files.createDirectories(work.resolve("run"));
        Path home = Files.createDirectories(work.resolve("home"));
        Files.writeString(home.resolve(".claude.json"), "{\"hasCompletedOnboarding\":true,\"theme\":\"dark\"}");
        api = new MessagesStandIn();
        StringBuilder main = new StringBuilder("listeners:\n");
        StringBuilder echoes = new StringBuilder("listeners:\n");
        StringBuilder profiles = new StringBuilder("profiles:\n");
        List<Path> sockets = new ArrayList<>();
        List<Path> echoSockets = new ArrayList<>();
        for (String a : AGENTS) {
            Path dir = Files.createDirectories(run.resolve("claude-bridge-" + a));
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
            Files.createDirectories(deploy.resolve("project-" + a.substring(6)));
            main.append("  - { socket: ")
                    .append(dir.resolve(SOCKET))
                    .append(", profile: ")
                    .append(a)
                    .append(", group: \"")
                    .append(SOCKET_GID)
                    .append("\" }\n");
            echoes.append("  - { socket: ")
                    .append(dir.resolve(ECHO_SOCKET))
                    .append(", profile: ")
                    .append(a)
                    .append(", group: \"")
                    .append(SOCKET_GID)
                    .append("\" }\n");
            profiles.append("  ")
                    .append(a)
                    .append(":\n    mappings: [\"/workspace=")
                    .append(project(a))
                    .append("\"]\n");
            sockets.add(dir.resolve(SOCKET));
            echoSockets.add(dir.resolve(ECHO_SOCKET));
        }
        Path config = work.resolve("bridge.yaml");
        Files.writeString(
                config,
                main + profiles.toString() + "claude:\n  path: " + claude + "\naudit:\n  path: "
                        + work.resolve("audit.log") + "\n");
        bridge = new DockerHostBridge(release, config, work.resolve("bridge.log"), api.cliEnv(home, KEY), sockets)
                .start();
        // a second daemon whose "claude" echoes stdin: the byte-exact round trip, on a second socket in the same
        // directories
        Path cat = work.resolve("echo-claude");
        Files.writeString(cat, "#!/bin/sh\nexec cat\n");
        cat.toFile().setExecutable(true);
        Path echoConfig = work.resolve("echo.yaml");
        Files.writeString(
                echoConfig,
                echoes + profiles.toString() + "claude:\n  path: " + cat + "\naudit:\n  path: "
                        + work.resolve("echo-audit.log") + "\n");
        echo = new DockerHostBridge(
                        release, echoConfig, work.resolve("echo.log"), Map.of("HOME", home.toString()), echoSockets)
                .start();

        compose = new DockerCompose(
                "cbe2e" + ProcessHandle.current().pid(),
                deploy,
                List.of("docker-compose.yml"),
                Map.of(
                        "BRIDGE_RUN",
                        run.toString(),
                        "AGENT_UID",
                        AGENT_UID,
                        "AGENT_GID",
                        AGENT_UID,
                        "BRIDGE_GID",
                        SOCKET_GID,
                        "CLAUDE_BRIDGE_TAG",
                        tag));
        long t = System.nanoTime();
        check(compose.compose(300, "up", "-d", "--no-build"));
        DockerEnv.step("docker-compose up -d (3 agents)", t);
        DockerEnv.step("set-up", t0);
    }

    static Path project(String agent) {
        return deploy.resolve("project-" + agent.substring(6));
    }

    @AfterAll
    static void tearDown() {
        try {
            if (compose != null && !down) {
                System.out.println(compose.down());
            }
            if (bridge != null) {
                bridge.close();
            }
            if (echo != null) {
                echo.close();
            }
            if (api != null) {
                api.close();
            }
        } finally {
            if (tag != null) {
                DockerEnv.removeImages(tag);
            }
            DockerEnv.deleteTree(work);
        }
    }

    @Test
    @Order(1)
    void agentsRunAsTheirUserWithoutANetworkUnderAnInit() {
        for (String a : AGENTS) {
            assertThat(check(compose.exec(a, "id", "-u")).out().strip())
                    .as(a + " user")
                    .isEqualTo(AGENT_UID);
            assertThat(check(compose.exec(a, "id", "-G")).out())
                    .as(a + " groups: the socket's group is added")
                    .contains(SOCKET_GID);
            assertThat(compose.inspect(
                            a, "{{.HostConfig.NetworkMode}} {{.HostConfig.Init}} {{.HostConfig.ReadonlyRootfs}}"))
                    .as(a + ": network, init, read-only root")
                    .isEqualTo("none true true");
            assertThat(check(compose.exec(a, "ls", "/sys/class/net")).out().strip())
                    .as(a + " interfaces")
                    .isEqualTo("lo");
        }
    }

    @Test
    @Order(2)
    void versionInEveryAgentIsTheHostCliByteForByte() throws Exception {
        long t = System.nanoTime();
        Result direct = run(
                List.of(claude.toString(), "--version"),
                Map.of("HOME", work.resolve("home").toString()),
                work,
                null,
                120);
        assertThat(direct.status()).isZero();
        for (String a : AGENTS) {
            Result r = compose.composeExec(a, "claude", "--version"); // as DEPLOY.md shows it
            assertThat(r.status()).as(a + ": " + r).isZero();
            assertThat(r.stdout()).as(a).isEqualTo(direct.stdout());
            assertThat(r.out()).contains("Claude Code");
        }
        DockerEnv.step("claude --version in 3 agents", t);
    }

    @Test
    @Order(3)
    void promptWithAToolCallReadsTheAgentsOwnWorkspace() throws Exception {
        long t = System.nanoTime();
        for (String a : AGENTS) {
            // the note is in the agent's /workspace; claude, on the host, reads it at the mapped host path
            String content = "note of " + a + " " + System.nanoTime();
            Files.writeString(project(a).resolve("note.txt"), content);
            assertThat(check(compose.exec(a, "cat", "/workspace/note.txt")).out())
                    .isEqualTo(content);
            api.script(
                    MessagesStandIn.Turn.toolUse(
                            "Read", "{\"file_path\":\"" + project(a).resolve("note.txt") + "\"}"),
                    MessagesStandIn.Turn.text("done for " + a));
            int before = api.agentLoopBodies().size();
            Result r = compose.exec(a, "claude", "-p", "read the note");
            assertThat(r.status())
                    .as(a + ": " + r + "\nbridge log:\n" + bridge.tail())
                    .isZero();
            assertThat(r.out()).contains("done for " + a);
            List<String> bodies = api.agentLoopBodies();
            assertThat(bodies.subList(before, bodies.size()))
                    .as(a + ": the tool's result went back to the model")
                    .anyMatch(b -> b.contains("tool_result") && b.contains(content));
        }
        DockerEnv.step("claude -p with a Read tool call in 3 agents", t);
    }

    @Test
    @Order(4)
    void sixteenMebibytesOfBinaryStdinComeBackByteForByte() {
        byte[] data = new byte[16 << 20];
        new Random(16).nextBytes(data);
        long t = System.nanoTime();
        for (String a : AGENTS) {
            Result r = compose.exec(
                    a, data, Map.of("CLAUDE_BRIDGE_SOCKET", "/host/claude-bridge/" + ECHO_SOCKET), null, "claude");
            assertThat(r.status())
                    .as(a + ": status " + r.status() + " " + r.err())
                    .isZero();
            assertThat(r.stdout().length).as(a).isEqualTo(data.length);
            assertThat(r.stdout()).as(a).isEqualTo(data);
        }
        DockerEnv.step("16 MiB binary stdin round trip in 3 agents", t);
    }

    @Test
    @Order(5)
    void interactiveSessionOnATerminal() {
        Assumptions.assumeTrue(
                DockerTerminal.available(), "tmux is not installed (./build.sh test installs it): skipped");
        long t = System.nanoTime();
        for (String a : AGENTS) {
            try (DockerTerminal tty = new DockerTerminal(100, 30, compose.env())) {
                tty.line("cd " + DockerTerminal.quote(compose.dir().toString()) + " && "
                        + String.join(
                                " ",
                                compose.execCommandLine(a, "claude").stream()
                                        .map(DockerTerminal::quote)
                                        .toList())
                        + "; echo status=$?");
                String screen = tty.answerStartupQuestions();
                assertThat(screen).as(a + " main screen").contains("Claude Code");
                tty.type("say hello from " + a);
                tty.awaitText("say hello from " + a, 20);
                tty.keys("Enter");
                screen = tty.awaitText(MessagesStandIn.REPLY, 60);
                assertThat(screen).as(a + " reply rendered:\n" + screen).contains(MessagesStandIn.REPLY);
                screen = tty.exitWithCtrlC();
                assertThat(screen).as(a + " exit:\n" + screen).containsPattern("(?m)^status=0$");
            }
        }
        assertThat(api.received())
                .anyMatch(r -> r.body().contains("say hello from agent-3")
                        && r.apiKey().equals(KEY));
        DockerEnv.step("interactive sessions (tmux) in 3 agents", t);
    }

    @Test
    @Order(6)
    void anAgentSeesOnlyItsOwnWorkspaceAndSocket() throws IOException {
        Files.writeString(project("agent-2").resolve("secret-2.txt"), "agent-2 only");
        assertThat(check(compose.exec("agent-1", "ls", "-A", "/workspace")).out())
                .doesNotContain("secret-2.txt");
        assertThat(compose.exec("agent-1", "sh", "-c", "ls -R / 2>/dev/null | grep -c secret-2.txt")
                        .out()
                        .strip())
                .isEqualTo("0");
        assertThat(check(compose.exec("agent-2", "cat", "/workspace/secret-2.txt"))
                        .out())
                .isEqualTo("agent-2 only");
        assertThat(check(compose.exec("agent-1", "ls", "-A", "/host/claude-bridge"))
                        .out()
                        .lines()
                        .sorted()
                        .toList())
                .containsExactlyInAnyOrder(ECHO_SOCKET, SOCKET);
        // outside its mapping, the bridge refuses the call (exit 65) instead of running it anywhere
        Result r = compose.exec("agent-1", null, Map.of(), "/tmp", "claude", "--version");
        assertThat(r.status()).as(r.toString()).isEqualTo(65);
        assertThat(r.err()).contains("/tmp");
    }

    @Test
    @Order(7)
    void bridgeRestartedAndKilledMidRunAgentsKeepWorkingWithoutARestart() throws Exception {
        Map<String, String> before = new LinkedHashMap<>();
        for (String a : AGENTS) {
            before.put(a, compose.inspect(a, "{{.State.StartedAt}} {{.RestartCount}}"));
        }
        long t = System.nanoTime();
        // a graceful restart (SIGTERM, as systemctl restart does): new socket files in the same directories
        assertThat(bridge.stop()).isZero();
        bridge.restart();
        everyAgentCallsThrough("after a restart");
        // killed: the socket files stay behind, stale; the next daemon replaces them
        bridge.kill();
        bridge.restart();
        everyAgentCallsThrough("after SIGKILL and a restart");
        // killed mid-run: a call in flight is lost (74), the next one works
        CompletableFuture<Result> inFlight = CompletableFuture.supplyAsync(() -> compose.exec(
                "agent-1",
                null,
                Map.of("CLAUDE_BRIDGE_SOCKET", "/host/claude-bridge/" + ECHO_SOCKET),
                null,
                "bash",
                "-c",
                "exec claude < <(sleep 600)"));
        assertThat(DockerEnv.await(
                        () -> ProcessHandle.of(echo.pid())
                                .map(h -> h.descendants().findAny().isPresent())
                                .orElse(false),
                        60))
                .as("the call is running on the host")
                .isTrue();
        echo.kill();
        Result lost = inFlight.get(120, TimeUnit.SECONDS);
        assertThat(lost.status()).as("the call in flight: " + lost).isEqualTo(74);
        echo.restart();
        for (String a : AGENTS) {
            Result r = compose.exec(
                    a,
                    "hello".getBytes(StandardCharsets.UTF_8),
                    Map.of("CLAUDE_BRIDGE_SOCKET", "/host/claude-bridge/" + ECHO_SOCKET),
                    null,
                    "claude");
            assertThat(r.status())
                    .as(a + " after the echo bridge was killed mid-run: " + r)
                    .isZero();
            assertThat(r.out()).isEqualTo("hello");
        }
        for (String a : AGENTS) {
            assertThat(compose.inspect(a, "{{.State.StartedAt}} {{.RestartCount}}"))
                    .as(a + " was not restarted")
                    .isEqualTo(before.get(a));
        }
        DockerEnv.step("bridge restarted, killed, killed mid-run; agents untouched", t);
    }

    private static void everyAgentCallsThrough(String when) {
        for (String a : AGENTS) {
            Result r = compose.exec(a, "claude", "--version");
            assertThat(r.status()).as(a + " " + when + ": " + r).isZero();
            assertThat(r.out()).contains("Claude Code");
        }
    }

    @Test
    @Order(8)
    @SuppressWarnings("unchecked")
    void theAuditLogShowsEachAgentUnderItsOwnIdentity() throws IOException {
        Yaml yaml = new Yaml();
        List<Map<String, Object>> records = Files.readAllLines(work.resolve("audit.log")).stream()
                .map(l -> (Map<String, Object>) yaml.load(l))
                .toList();
        for (String a : AGENTS) {
            List<Map<String, Object>> mine =
                    records.stream().filter(r -> a.equals(r.get("profile"))).toList();
            assertThat(mine).as(a + "'s records").isNotEmpty();
            assertThat(mine).allSatisfy(r -> {
                assertThat(String.valueOf(r.get("listener"))).endsWith("/claude-bridge-" + a + "/" + SOCKET);
                assertThat(String.valueOf(((Map<String, Object>) r.get("peer")).get("uid")))
                        .isEqualTo(AGENT_UID);
            });
            assertThat(mine.stream().map(r -> String.valueOf(r.get("host_cwd"))))
                    .as(a + " working directories")
                    .anyMatch(c -> c.contains(project(a).toString()));
        }
    }

    @Test
    @Order(9)
    void composeDownLeavesNothing() {
        long t = System.nanoTime();
        for (String a : AGENTS) {
            // the init forwards SIGTERM: sleep ends at once (143), not SIGKILLed at the timeout (137)
            long ts = System.nanoTime();
            Result stop = run(docker("stop", "-t", "60", compose.container(a)), Map.of(), null, null, 120);
            assertThat(stop.status()).isZero();
            DockerEnv.step("docker stop " + a, ts);
            assertThat(compose.inspect(a, "{{.State.ExitCode}}"))
                    .as(a + " exit code after docker stop")
                    .isEqualTo("143");
        }
        DockerEnv.step("docker stop of 3 agents", t);
        t = System.nanoTime();
        Result r = compose.down();
        down = true;
        assertThat(r.status()).as(r.toString()).isZero();
        assertThat(compose.leftovers()).isEmpty();
        DockerEnv.step("docker-compose down", t);
    }
}
