package dev.claudebridge.daemon.admin;

import dev.claudebridge.daemon.exec.ClaudeCommand;
import dev.claudebridge.daemon.exec.ClaudeLocator;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * Asks the host's claude for its version, as the readiness check "claude" and for the status page.
 * The answer is kept for a few seconds so that scrapes and dashboards do not start a process each
 * time; callers arriving during a probe wait for it rather than start another.
 */
public final class ClaudeProbe implements ReadinessCheck {
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);
    public static final Duration DEFAULT_CACHE = Duration.ofSeconds(10);
    private static final int MAX_OUTPUT = 4096;

    private final Supplier<ClaudeLocator> locator;
    private final Map<String, String> env;
    private final Duration timeout;
    private final Duration cacheFor;
    private final Clock clock;
    private State last;

    /**
     * @param locator the current settings' locator (re-read per probe, so a reload or an install is seen)
     * @param env the environment claude runs with (the daemon's own)
     */
    public ClaudeProbe(
            Supplier<ClaudeLocator> locator,
            Map<String, String> env,
            Duration timeout,
            Duration cacheFor,
            Clock clock) {
        this.locator = locator;
        this.env = Map.copyOf(env);
        this.timeout = timeout;
        this.cacheFor = cacheFor;
        this.clock = clock;
    }

    public ClaudeProbe(Supplier<ClaudeLocator> locator, Map<String, String> env) {
        this(locator, env, DEFAULT_TIMEOUT, DEFAULT_CACHE, Clock.systemUTC());
    }

    @Override
    public String name() {
        return "claude";
    }

    @Override
    public Outcome check() {
        State s = current();
        return new Outcome(s.answering(), s.detail());
    }

    /** The last answer, probing again when it is older than the cache period. */
    public synchronized State current() {
        Instant now = clock.instant();
        if (last == null || !now.isBefore(last.checkedAt().plus(cacheFor))) {
            last = probe(now);
        }
        return last;
    }

    private State probe(Instant now) {
        ClaudeLocator l = locator.get();
        Optional<ClaudeCommand> found = l.locate();
        if (found.isEmpty()) {
            return new State(false, "", "", false, "claude not found (looked " + l.searchDescription() + ")", now);
        }
        String path = found.get().foundAt().toString();
        List<String> cmd = new ArrayList<>(found.get().prefix());
        cmd.add("--version");
        ProcessBuilder pb = new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        pb.environment().clear();
        pb.environment().putAll(env);
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            return new State(
                    true, path, "", false, "claude at " + path + " could not be started: " + e.getMessage(), now);
        }
        CompletableFuture<String> output =
                CompletableFuture.supplyAsync(() -> read(p.getInputStream()), Thread::startVirtualThread);
        try {
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                return new State(
                        true,
                        path,
                        "",
                        false,
                        "claude at " + path + " did not answer --version within " + timeout.toMillis() + " ms",
                        now);
            }
            String out = output.get(timeout.toMillis(), TimeUnit.MILLISECONDS).strip();
            String firstLine = out.lines().findFirst().orElse("");
            if (p.exitValue() != 0) {
                return new State(
                        true,
                        path,
                        "",
                        false,
                        "claude at " + path + " --version exited " + p.exitValue()
                                + (firstLine.isEmpty() ? "" : ": " + shorten(firstLine, 200)),
                        now);
            }
            return new State(
                    true,
                    path,
                    shorten(firstLine, 200),
                    true,
                    "claude " + shorten(firstLine, 200) + " at " + path,
                    now);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            return new State(true, path, "", false, "interrupted while asking claude for its version", now);
        } catch (ExecutionException | TimeoutException e) {
            // the process exited but kept its output open (a child holding the pipe): no answer worth trusting
            return new State(true, path, "", false, "claude at " + path + " --version left its output open", now);
        }
    }

    private static String read(InputStream in) {
        try (in) {
            byte[] head = in.readNBytes(MAX_OUTPUT);
            in.transferTo(
                    java.io.OutputStream.nullOutputStream()); // so an overlong answer cannot block it on a full pipe
            return new String(head, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    static String shorten(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max - 1) + "…";
    }

    /**
     * What the last probe found.
     *
     * @param found whether an executable was found at all
     * @param path where it was found ("" when not)
     * @param version its first line of {@code --version} output ("" when it did not answer)
     * @param answering whether it answered {@code --version} with status 0 in time
     * @param detail one line for people
     */
    public record State(
            boolean found, String path, String version, boolean answering, String detail, Instant checkedAt) {}
}
