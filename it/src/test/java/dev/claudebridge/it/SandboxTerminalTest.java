package dev.claudebridge.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The real Claude Code TUI through a sandboxed profile, in a real terminal (tmux), talking to the
 * stand-in API through the daemon's credential proxy: the interface appears, a prompt gets the reply,
 * a resize redraws it, Ctrl-C twice ends it with status 0. What a user of a container would see is
 * the measure: no question about an API key (the sandboxed claude holds only a placeholder), the
 * folder-trust question once per folder as locally (the caller's configuration directory remembers the
 * answer), and bypass permissions without the refusal claude gives root outside a sandbox.
 */
class SandboxTerminalTest {
    private static final String KEY = "sk-ant-api03-terminal-test-real-key-0123456789";
    private static final int COLUMNS = 100;
    private static final int ROWS = 30;
    private static final int NEW_COLUMNS = 70;
    private static final int NEW_ROWS = 25;
    private static final String TRUST = "Yes, I trust this folder";
    private static final String API_KEY = "Do you want to use this API key?";
    private static final String READY = "? for shortcuts";
    private static final String BYPASS_ON = "bypass permissions on";
    private static final String BYPASS_WARNING = "WARNING: Claude Code running in Bypass Permissions mode";
    private static final String ROOT_REFUSAL = "cannot be used with root/sudo privileges";

    private static Path dir;
    private static Path projects;
    private static MessagesStandIn api;
    private static Bridge bridge;

    private Path project;
    private Tmux tmux;

    @BeforeAll
    static void startDaemon() throws IOException {
        String claude = Bridge.realClaude().toString();
        Assumptions.assumeTrue(Tmux.available(), "tmux is not installed (./build.sh test installs it): skipped");
        Bridge.assumeBubblewrap();
        dir = Bridge.tempDir();
        Path home = Files.createDirectories(dir.resolve("home"));
        projects = Files.createDirectories(dir.resolve("projects"));
        api = new MessagesStandIn();
        Path config = Bridge.writeConfig(
                dir,
                "config.yaml",
                "profiles: { default: { sandbox: on, allow-args: [\"--dangerously-skip-permissions\"] } }\n");
        // nothing of the developer's own Claude settings, credentials or proxies may reach the CLI
        bridge = Bridge.start(
                Files.createDirectories(dir.resolve("daemon")),
                RealClaudeHost::foreign,
                api.daemonEnv(home, KEY),
                List.of(
                        "--claude",
                        claude,
                        "--map",
                        projects + "=" + projects,
                        "--admin-listen",
                        "off",
                        "--audit-log",
                        dir.resolve("daemon/audit.log").toString(),
                        "--config",
                        config.toString()));
    }

    @AfterAll
    static void stopDaemon() {
        if (api != null) {
            api.close();
        }
        if (bridge != null) {
            bridge.close();
        }
        if (dir != null) {
            Bridge.deleteTree(dir);
        }
    }

    @BeforeEach
    void openTerminal() throws IOException {
        project = Files.createTempDirectory(projects, "p");
        tmux = Tmux.forClient(bridge, COLUMNS, ROWS);
    }

    @AfterEach
    void closeTerminal() {
        if (tmux != null) {
            tmux.close();
        }
    }

    @Test
    void theInteractiveInterfaceWorksInTheSandbox() throws Exception {
        Path before = dir.resolve("stty-before");
        Path after = dir.resolve("stty-after");
        Files.deleteIfExists(after);
        tmux.line("cd " + project + " && stty -g > " + before + "; " + Bridge.CLIENT + "; echo status=$?; stty -g > "
                + after);

        Startup first = startUp(s -> s.contains(READY));
        assertThat(first.asked())
                .as("a new folder's trust question, as locally")
                .containsExactly(TRUST);
        assertThat(first.screen()).as("the main screen").contains("Claude Code").contains("❯");
        assertThat(Tmux.ruleWidths(first.screen()))
                .as("the prompt box's borders, at %d columns:%n%s", COLUMNS, first.screen())
                .isNotEmpty()
                .allMatch(w -> w == COLUMNS);

        int seen = api.received().size();
        tmux.type("say hello");
        // \h, not a space: the prompt marker is followed by a no-break space
        String screen = tmux.awaitPattern("❯\\hsay hello", 10);
        assertThat(screen).as("typed text is echoed in the prompt box").containsPattern("❯\\hsay hello");
        tmux.keys("Enter");
        screen = tmux.awaitText(MessagesStandIn.REPLY, 30);
        assertThat(screen)
                .as("the stand-in's reply is rendered:%n%s%ndaemon log:%n%s", screen, bridge.log())
                .containsPattern("●\\h" + MessagesStandIn.REPLY);
        List<MessagesStandIn.Received> prompts = api
                .received()
                .subList(seen, api.received().size())
                .stream()
                .filter(r -> r.method().equals("POST") && r.body().contains("say hello"))
                .toList();
        assertThat(prompts)
                .as("the prompt reached the API through the proxy, with the daemon's real key and no placeholder")
                .isNotEmpty()
                .allSatisfy(r -> {
                    assertThat(r.apiKey()).isEqualTo(KEY);
                    assertThat(r.authorization()).isEmpty();
                });

        tmux.resize(NEW_COLUMNS, NEW_ROWS);
        // until it redraws, tmux shows the old 100-column lines wrapped into 70 + 30: every border must be 70 wide
        screen = tmux.await(
                s -> !Tmux.ruleWidths(s).isEmpty()
                        && Tmux.ruleWidths(s).stream().allMatch(w -> w == NEW_COLUMNS),
                15);
        assertThat(Tmux.ruleWidths(screen))
                .as("the prompt box's borders, redrawn at %d columns:%n%s", NEW_COLUMNS, screen)
                .isNotEmpty()
                .allMatch(w -> w == NEW_COLUMNS);
        assertThat(screen).contains(MessagesStandIn.REPLY);

        tmux.keys("C-c");
        tmux.awaitText("again to exit", 10);
        tmux.keys("C-c");
        screen = tmux.awaitPattern("status=\\d+", 20);
        assertThat(screen)
                .as("its goodbye (written as it exits) and the client's status")
                .contains("claude --resume")
                .containsPattern("(?m)^status=0$");
        assertThat(Tmux.awaitLine(after))
                .as("the terminal's mode after the run")
                .isEqualTo(Files.readString(before).trim())
                .isNotBlank();
        assertNoHostProcessLeft();
    }

    @Test
    void anAutonomousAgentStartsAndItsAnswersAreRemembered() {
        String run = "cd " + project + " && " + Bridge.CLIENT + " --dangerously-skip-permissions; echo status=$?";
        tmux.line(run);
        Startup first = startUp(s -> s.contains(BYPASS_ON));
        assertThat(first.asked())
                .as("claude's own questions for a new folder in bypass mode, as in a container")
                .containsExactly(TRUST, BYPASS_WARNING);
        assertThat(first.screen()).doesNotContain(ROOT_REFUSAL).contains("❯");
        quit("status=0");

        tmux.line("clear; " + run.replace("status=", "again="));
        Startup second = startUp(s -> s.contains(BYPASS_ON));
        assertThat(second.asked())
                .as("the caller's configuration directory remembers both answers")
                .isEmpty();
        quit("again=0");
    }

    /** Ctrl-C twice, then the shell's line with the client's status. */
    private void quit(String status) {
        tmux.keys("C-c");
        tmux.awaitText("again to exit", 10);
        tmux.keys("C-c");
        String screen = tmux.awaitPattern("(?m)^" + status.replaceAll("\\d+$", "") + "\\d+$", 20);
        assertThat(screen).as("the client's status").containsPattern("(?m)^" + status + "$");
    }

    /** The main screen, and the start-up questions claude asked on the way (answered as a user would). */
    private record Startup(String screen, List<String> asked) {}

    /**
     * Answers claude's start-up questions until {@code ready}: folder trust (Enter), the bypass-mode warning
     * (Down to "Yes, I accept", Enter). The API-key question must never come: the sandboxed claude's
     * placeholder is not a key it would ask about. Neither may claude's refusal of bypass mode for root.
     */
    private Startup startUp(java.util.function.Predicate<String> ready) {
        List<String> asked = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            String s = tmux.await(
                    x -> ready.test(x)
                            || x.contains(API_KEY)
                            || x.contains(ROOT_REFUSAL)
                            || !asked.contains(TRUST) && x.contains(TRUST)
                            || !asked.contains(BYPASS_WARNING) && x.contains(BYPASS_WARNING),
                    (int) Math.max(1, TimeUnit.NANOSECONDS.toSeconds(deadline - System.nanoTime())));
            if (s.contains(API_KEY) || s.contains(ROOT_REFUSAL)) {
                return fail("claude in the sandbox asked or refused what it must not:%n%s", s);
            } else if (ready.test(s)) {
                return new Startup(s, asked);
            } else if (!asked.contains(TRUST) && s.contains(TRUST)) {
                asked.add(TRUST);
                tmux.keys("Enter"); // the default answer: trust the folder
            } else if (!asked.contains(BYPASS_WARNING) && s.contains(BYPASS_WARNING)) {
                asked.add(BYPASS_WARNING);
                tmux.keys("Down"); // the default is "No, exit"
                assertThat(tmux.awaitPattern("❯\\h2\\. Yes, I accept", 10)).containsPattern("❯\\h2\\. Yes, I accept");
                tmux.keys("Enter");
            }
        }
        return fail("the interface did not appear within 60 s:%n%s%ndaemon log:%n%s", tmux.screen(), bridge.log());
    }

    /** Every process the run started has ended: the daemon has no running child left (bubblewrap included). */
    private static void assertNoHostProcessLeft() {
        assertThat(bridge.awaitNoChildren()).as("host processes left behind").isEmpty();
    }
}
