package dev.claudebridge.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A real terminal for tests: a private tmux server (its own -L socket name) with one window of a
 * known size, typed into with send-keys and read with capture-pane. Closing kills that server only.
 */
final class Tmux implements AutoCloseable {
    private final String server = "cbit-" + ProcessHandle.current().pid() + "-" + System.nanoTime();

    Tmux(int columns, int rows, java.util.Map<String, String> env) {
        this(columns, rows, env, List.of());
    }

    /** Like {@link #Tmux(int, int, java.util.Map)}, its shell run with {@code host} in front (another "host"). */
    Tmux(int columns, int rows, java.util.Map<String, String> env, List<String> host) {
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
        cmd.addAll(host);
        cmd.add("sh");
        run(cmd);
        run(List.of("tmux", "-L", server, "set-option", "-g", "status", "off"));
    }

    /**
     * A terminal whose shell calls {@code bridge} as a container would: the client's settings, nothing
     * else, on the clients' "host".
     */
    static Tmux forClient(Bridge bridge, int columns, int rows) {
        java.util.Map<String, String> env = new java.util.HashMap<>(bridge.clientEnvironment());
        env.put("TERM", "xterm-256color");
        env.put("PS1", "$ ");
        return new Tmux(columns, rows, env, bridge.clientHost());
    }

    /** The widths (in characters) of a screen's horizontal rules: the lines made only of box-drawing dashes. */
    static List<Integer> ruleWidths(String screen) {
        return screen.lines()
                .filter(l -> l.matches("─{10,}"))
                .map(l -> l.codePointCount(0, l.length()))
                .toList();
    }

    /** The line a command in the terminal writes to {@code file} (10 s at most), trimmed. */
    static String awaitLine(Path file) throws IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        // the shell's redirect creates the file before the command has written it: wait for its line
        while ((!Files.exists(file) || !Files.readString(file).endsWith("\n")) && System.nanoTime() < deadline) {
            Bridge.sleep(50);
        }
        return Files.readString(file).trim();
    }

    static boolean available() {
        try {
            return new ProcessBuilder("tmux", "-V").start().waitFor() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    /** Types a line and presses Enter. */
    void line(String text) {
        run(List.of("tmux", "-L", server, "send-keys", "-l", text));
        keys("Enter");
    }

    /** Types text literally, without pressing Enter. */
    void type(String text) {
        run(List.of("tmux", "-L", server, "send-keys", "-l", text));
    }

    /** Presses keys by tmux name (C-c, Enter, Escape, Down). */
    void keys(String... names) {
        List<String> cmd = new ArrayList<>(List.of("tmux", "-L", server, "send-keys"));
        cmd.addAll(List.of(names));
        run(cmd);
    }

    void resize(int columns, int rows) {
        run(List.of(
                "tmux", "-L", server, "resize-window", "-x", Integer.toString(columns), "-y", Integer.toString(rows)));
    }

    String screen() {
        return run(List.of("tmux", "-L", server, "capture-pane", "-p"));
    }

    /** Waits (up to {@code seconds}) until the screen satisfies the condition; returns the screen either way. */
    String await(Predicate<String> condition, int seconds) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        String s = screen();
        // tmux has no "screen changed" event to wait on: poll it
        while (!condition.test(s) && System.nanoTime() < deadline) {
            Bridge.sleep(50);
            s = screen();
        }
        return s;
    }

    String awaitText(String text, int seconds) {
        return await(s -> s.contains(text), seconds);
    }

    /** Waits for a regular expression anywhere on the screen (e.g. "status=\\d+", which the typed command line cannot match). */
    String awaitPattern(String regex, int seconds) {
        java.util.regex.Pattern p = java.util.regex.Pattern.compile(regex);
        return await(s -> p.matcher(s).find(), seconds);
    }

    private static String run(List<String> cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
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
            new ProcessBuilder("tmux", "-L", server, "kill-server").start().waitFor(10, TimeUnit.SECONDS);
        } catch (IOException | InterruptedException e) {
            // already gone
        }
    }
}
