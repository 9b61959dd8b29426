package dev.claudebridge.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The real Claude Code TUI, run interactively through the bridge in a real terminal (tmux), talking to
 * a local stand-in for the Messages API. It checks what a user sees: the interface appears, arrow keys
 * and typed text reach it, a prompt gets the stand-in's reply, a window resize redraws it at the new
 * width, and Ctrl-C twice ends it with status 0, leaving the terminal as it was.
 *
 * <p>The daemon, not the terminal's shell, holds the API key and base URL, as on a real host; the client
 * side has none. Onboarding is marked done in the fresh HOME (its connectivity check would go to
 * api.anthropic.com); the folder-trust and API-key questions are left for the test to answer.
 */
class RealClaudeTerminalTest {
    private static final int COLUMNS = 100;
    private static final int ROWS = 30;
    private static final int NEW_COLUMNS = 70;
    private static final int NEW_ROWS = 25;
    private static final String TRUST = "Yes, I trust this folder";
    private static final String API_KEY = "Do you want to use this API key?";
    private static final String READY = "? for shortcuts";

    private RealClaudeHost host;
    private Tmux tmux;

    @BeforeEach
    void start() {
        RealClaudeHost.Setup setup = RealClaudeHost.with("claude.real");
        Assumptions.assumeTrue(Tmux.available(), "tmux is not installed (./build.sh test installs it): skipped");
        host = setup.start();
        tmux = new Tmux(
                COLUMNS,
                ROWS,
                Map.of(
                        "CLAUDE_BRIDGE_SOCKET",
                        host.bridge.socket.toString(),
                        "CLAUDE_BRIDGE_CACHE",
                        Bridge.CLIENT_CACHE.toString(),
                        "TERM",
                        "xterm-256color",
                        "PS1",
                        "$ "));
    }

    @AfterEach
    void stop() {
        if (tmux != null) {
            tmux.close();
        }
        if (host != null) {
            host.close();
        }
    }

    @Test
    void theInteractiveInterfaceWorksThroughTheBridge() throws Exception {
        Path before = host.dir.resolve("stty-before");
        Path after = host.dir.resolve("stty-after");
        tmux.line("cd " + host.project + " && stty -g > " + before + "; " + Bridge.CLIENT
                + "; echo status=$?; stty -g > " + after);

        String screen = answerStartupQuestions();
        assertThat(screen).as("the main screen").contains("Claude Code").contains("❯");
        assertThat(ruleWidths(screen))
                .as("the prompt box's borders, at %d columns:%n%s", COLUMNS, screen)
                .isNotEmpty()
                .allMatch(w -> w == COLUMNS);

        tmux.type("say hello");
        // \h, not a space: the prompt marker is followed by a no-break space
        screen = tmux.awaitPattern("❯\\hsay hello", 10);
        assertThat(screen).as("typed text is echoed in the prompt box").containsPattern("❯\\hsay hello");
        tmux.keys("Enter");
        screen = tmux.awaitText(MessagesStandIn.REPLY, 30);
        System.out.println("after the prompt:\n" + screen);
        assertThat(screen).as("the stand-in's reply is rendered").containsPattern("●\\h" + MessagesStandIn.REPLY);
        assertThat(host.api.received())
                .as("the stand-in got the prompt, with the key the daemon's side holds")
                .anyMatch(r -> r.method().equals("POST")
                        && r.path().startsWith("/v1/messages")
                        && r.body().contains("say hello")
                        && r.apiKey().equals(RealClaudeHost.KEY));

        tmux.resize(NEW_COLUMNS, NEW_ROWS);
        // until it redraws, tmux shows the old 100-column lines wrapped into 70 + 30: every border must be 70 wide
        screen = tmux.await(
                s -> !ruleWidths(s).isEmpty() && ruleWidths(s).stream().allMatch(w -> w == NEW_COLUMNS), 10);
        System.out.println("after the resize:\n" + screen);
        assertThat(ruleWidths(screen))
                .as("the prompt box's borders, redrawn at %d columns:%n%s", NEW_COLUMNS, screen)
                .isNotEmpty()
                .allMatch(w -> w == NEW_COLUMNS);
        assertThat(screen).contains(MessagesStandIn.REPLY);

        tmux.keys("C-c");
        tmux.awaitText("again to exit", 10);
        tmux.keys("C-c");
        screen = tmux.awaitPattern("status=\\d+", 20);
        System.out.println("after exit:\n" + screen);
        assertThat(screen)
                .as("its goodbye (written as it exits) and the client's status")
                .contains("claude --resume")
                .containsPattern("(?m)^status=0$");
        assertThat(awaitFile(after))
                .as("the terminal's mode after the run")
                .isEqualTo(Files.readString(before).trim())
                .isNotBlank();
        assertNoHostProcessLeft();
    }

    /** Answers the folder-trust and API-key questions (Enter; Up then Enter) until the main screen shows. */
    private String answerStartupQuestions() {
        boolean trusted = false;
        boolean keyApproved = false;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(45);
        while (System.nanoTime() < deadline) {
            boolean t = trusted;
            boolean k = keyApproved;
            String s = tmux.await(x -> x.contains(READY) || !t && x.contains(TRUST) || !k && x.contains(API_KEY), (int)
                    Math.max(1, TimeUnit.NANOSECONDS.toSeconds(deadline - System.nanoTime())));
            if (s.contains(READY)) {
                assertThat(keyApproved)
                        .as("the API-key question was asked and answered")
                        .isTrue();
                return s;
            } else if (!trusted && s.contains(TRUST)) {
                tmux.keys("Enter"); // the default answer: trust the folder
                trusted = true;
            } else if (!keyApproved && s.contains(API_KEY)) {
                // the default is "No": Up must reach it as an arrow key to select "Yes"
                tmux.keys("Up");
                String selected = tmux.awaitPattern("❯\\h1\\. Yes", 10);
                assertThat(selected).as("the Up key moved the selection").containsPattern("❯\\h1\\. Yes");
                tmux.keys("Enter");
                keyApproved = true;
            }
        }
        return fail(
                "the interface did not appear within 45 s:\n" + tmux.screen() + "\ndaemon log:\n" + host.bridge.log()
                        + "\nstand-in requests: "
                        + host.api.received().stream()
                                .map(r -> r.method() + " " + r.path())
                                .toList());
    }

    /** The widths (in characters) of the screen's horizontal rules: the lines made only of box-drawing dashes. */
    private static List<Integer> ruleWidths(String screen) {
        return screen.lines()
                .filter(l -> l.matches("─{10,}"))
                .map(l -> l.codePointCount(0, l.length()))
                .toList();
    }

    private static String awaitFile(Path p) throws IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        // the shell's redirect creates the file before stty has written it: wait for its line
        while ((!Files.exists(p) || !Files.readString(p).endsWith("\n")) && System.nanoTime() < deadline) {
            Bridge.sleep(50);
        }
        return Files.readString(p).trim();
    }

    private void assertNoHostProcessLeft() {
        ProcessHandle daemon = ProcessHandle.of(host.bridge.daemonPid()).orElseThrow();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (System.nanoTime() < deadline && daemon.children().anyMatch(p -> Proc.running(p.pid()))) {
            Bridge.sleep(20);
        }
        assertThat(daemon.children()
                        .filter(p -> Proc.running(p.pid()))
                        .map(p -> p.pid() + " " + p.info().command().orElse("?"))
                        .toList())
                .as("host processes left behind")
                .isEmpty();
    }
}
