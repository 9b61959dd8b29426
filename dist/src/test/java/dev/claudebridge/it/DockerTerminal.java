package dev.claudebridge.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * A real terminal for the container suite: a private tmux server (its own -L name) with one window, in
 * which `docker-compose exec SERVICE claude` runs the client on a PTY inside the container. Typed into
 * with send-keys, read with capture-pane; closing kills that server only.
 */
final class DockerTerminal implements AutoCloseable {
    private static final String TRUST = "Yes, I trust this folder";
    private static final String API_KEY = "Do you want to use this API key?";
    private static final String READY = "? for shortcuts";
    private final String server = "cbdocker-" + ProcessHandle.current().pid() + "-" + System.nanoTime();

    DockerTerminal(int columns, int rows, Map<String, String> env) {
        List<String> cmd = new ArrayList<>(List.of(
                "tmux",
                "-L",
                server,
                "-f",
                "/dev/null",
                "new-session",
                "-d",
                "-x",
                Integer.toString(columns),
                "-y",
                Integer.toString(rows)));
        env.forEach((k, v) -> cmd.addAll(List.of("-e", k + "=" + v)));
        cmd.addAll(List.of("-e", "TERM=xterm-256color", "-e", "PS1=$ ", "sh"));
        run(cmd);
        run(List.of("tmux", "-L", server, "set-option", "-g", "status", "off"));
    }

    static boolean available() {
        try {
            return new ProcessBuilder("tmux", "-V").start().waitFor() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    static String quote(String word) {
        return word.matches("[A-Za-z0-9_./:=-]+") ? word : "'" + word.replace("'", "'\\''") + "'";
    }

    void line(String text) {
        type(text);
        keys("Enter");
    }

    void type(String text) {
        run(List.of("tmux", "-L", server, "send-keys", "-l", text));
    }

    void keys(String... names) {
        List<String> cmd = new ArrayList<>(List.of("tmux", "-L", server, "send-keys"));
        cmd.addAll(List.of(names));
        run(cmd);
    }

    String screen() {
        return run(List.of("tmux", "-L", server, "capture-pane", "-p"));
    }

    String await(Predicate<String> condition, int seconds) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        String s = screen();
        while (!condition.test(s) && System.nanoTime() < deadline) { // tmux has no "screen changed" event
            sleep(100);
            s = screen();
        }
        return s;
    }

    String awaitText(String text, int seconds) {
        return await(s -> s.contains(text), seconds);
    }

    String awaitPattern(String regex, int seconds) {
        Pattern p = Pattern.compile(regex);
        return await(s -> p.matcher(s).find(), seconds);
    }

    /** Answers claude's first-run questions (trust the folder: Enter; use the API key: Up, Enter) until its main screen shows. */
    String answerStartupQuestions() {
        boolean trusted = false;
        boolean keyApproved = false;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (System.nanoTime() < deadline) {
            boolean t = trusted;
            boolean k = keyApproved;
            String s = await(x -> x.contains(READY) || !t && x.contains(TRUST) || !k && x.contains(API_KEY), (int)
                    Math.max(1, TimeUnit.NANOSECONDS.toSeconds(deadline - System.nanoTime())));
            if (s.contains(READY)) {
                return s;
            } else if (!trusted && s.contains(TRUST)) {
                keys("Enter");
                trusted = true;
            } else if (!keyApproved && s.contains(API_KEY)) {
                keys("Up");
                awaitPattern("❯\\h1\\. Yes", 20);
                keys("Enter");
                keyApproved = true;
            }
        }
        throw new AssertionError("claude's interface did not appear within 90 s:\n" + screen());
    }

    /**
     * Ctrl-C twice, as a user ends claude; returns the screen once the shell printed the status. The
     * second press must come while claude still shows "again to exit" (a second or two): on a busy
     * machine that can be missed, and the user (this loop) simply presses again.
     */
    String exitWithCtrlC() {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        Pattern status = Pattern.compile("(?m)^status=\\d+");
        String s = screen();
        while (!status.matcher(s).find() && System.nanoTime() < deadline) {
            keys("C-c");
            if (awaitText("again to exit", 10).contains("again to exit")) {
                keys("C-c");
            }
            s = await(x -> status.matcher(x).find(), 10);
        }
        return s;
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String run(List<String> cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException(cmd + " failed: " + out);
            }
            return out;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        try {
            new ProcessBuilder("tmux", "-L", server, "kill-server").start().waitFor(30, TimeUnit.SECONDS);
        } catch (IOException | InterruptedException e) {
            // already gone
        }
    }
}
