package dev.claudebridge.dist;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * {@code bin/claude-bridge serve} of an unpacked release, as its own process. Ready once it logs that it
 * is listening; closing sends SIGTERM to that process (by its PID) and waits for it to end.
 */
final class BridgeDaemon implements AutoCloseable {
    private final Process process;
    private final StringBuffer log = new StringBuffer();
    private final CountDownLatch listening = new CountDownLatch(1);

    private BridgeDaemon(Process process) {
        this.process = process;
        Thread.ofVirtual().start(this::readLog);
    }

    /**
     * Starts the daemon and waits until its socket is up.
     *
     * @param home the unpacked release (has bin/claude-bridge)
     * @param options {@code serve} options after {@code --socket} and {@code --claude}
     */
    static BridgeDaemon start(Path home, Path socket, Path claude, String... options) {
        List<String> cmd = new ArrayList<>(List.of(
                home.resolve("bin/claude-bridge").toString(),
                "serve",
                "--socket",
                socket.toString(),
                "--claude",
                claude.toString()));
        cmd.addAll(List.of(options));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        // the Java 25 this test runs on; the launcher would otherwise look in the usual JDK places
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        pb.environment().remove("CLAUDE_BRIDGE_JAVA");
        BridgeDaemon d;
        try {
            d = new BridgeDaemon(pb.start());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + cmd, e);
        }
        d.awaitListening(Duration.ofSeconds(30));
        return d;
    }

    private void awaitListening(Duration limit) {
        try {
            if (!listening.await(limit.toMillis(), TimeUnit.MILLISECONDS)) {
                close();
                throw new AssertionError(
                        "claude-bridge serve did not start listening within " + limit + "; log:\n" + log);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            close();
            throw new AssertionError("interrupted", e);
        }
        if (!process.isAlive()) {
            throw new AssertionError("claude-bridge serve exited with " + process.exitValue() + "; log:\n" + log);
        }
    }

    private void readLog() {
        try (BufferedReader r =
                new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                log.append(line).append('\n');
                if (line.contains(" listening on ")) {
                    listening.countDown();
                }
            }
        } catch (IOException e) {
            log.append("(log read failed: ").append(e).append(")\n");
        }
        listening.countDown(); // exited: let the waiter see it at once
    }

    String log() {
        return log.toString();
    }

    /**
     * The log once it holds {@code text} (or after 20 s): a request's summary line is written after its
     * EXIT frame, so the caller can be done before it is there.
     */
    String logWith(String text) {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(20);
        while (!log.toString().contains(text) && System.nanoTime() < deadline) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return log.toString();
    }

    @Override
    public void close() {
        if (!process.isAlive()) {
            return;
        }
        process.destroy(); // SIGTERM to this PID: the daemon closes its socket and ends running requests
        try {
            if (!process.waitFor(15, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
