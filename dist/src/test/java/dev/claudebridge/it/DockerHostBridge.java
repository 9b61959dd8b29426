package dev.claudebridge.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A claude-bridge daemon run on the host from the unpacked release (bin/claude-bridge serve --config),
 * as the host side of the compose layout: started, stopped (SIGTERM), killed (SIGKILL) and started again
 * by the tests, always by its own pid.
 */
final class DockerHostBridge implements AutoCloseable {
    private final Path release;
    private final Path config;
    private final Path log;
    private final Map<String, String> env;
    private final List<Path> sockets;
    private Process process;

    DockerHostBridge(Path release, Path config, Path log, Map<String, String> env, List<Path> sockets) {
        this.release = release;
        this.config = config;
        this.log = log;
        this.env = env;
        this.sockets = sockets;
    }

    /** Starts the daemon and waits until every socket of its configuration exists. */
    DockerHostBridge start() {
        startedAt = System.currentTimeMillis();
        ProcessBuilder pb = new ProcessBuilder(
                release.resolve("bin/claude-bridge").toString(),
                "serve",
                "--config",
                config.toString(),
                "--admin-listen",
                "off",
                "--pid-file",
                config.resolveSibling(config.getFileName() + ".pid").toString());
        // nothing of the developer's own Claude settings or proxies: only what the test gives
        pb.environment()
                .keySet()
                .removeIf(n -> n.startsWith("ANTHROPIC_")
                        || n.startsWith("CLAUDE")
                        || n.toLowerCase().endsWith("_proxy"));
        pb.environment().putAll(env);
        pb.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        try {
            process = pb.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        boolean up = DockerEnv.await(
                () -> !process.isAlive() || sockets.stream().allMatch(s -> isSocketNewerThanStart(s)), 120);
        if (!up || !process.isAlive()) {
            throw new IllegalStateException("the daemon did not come up (" + config + "); its log:\n" + tail());
        }
        return this;
    }

    private long startedAt;

    private boolean isSocketNewerThanStart(Path s) {
        try {
            var a = Files.readAttributes(
                    s, java.nio.file.attribute.BasicFileAttributes.class, java.nio.file.LinkOption.NOFOLLOW_LINKS);
            return a.isOther() && a.lastModifiedTime().toMillis() >= startedAt - 1000;
        } catch (IOException e) {
            return false;
        }
    }

    DockerHostBridge restart() {
        return start();
    }

    long pid() {
        return process.pid();
    }

    /** SIGTERM, and waits for the daemon's own graceful exit; returns its status. */
    int stop() {
        process.toHandle().destroy();
        return awaitExit();
    }

    /** SIGKILL: the daemon dies at once and leaves its socket files behind. */
    int kill() {
        process.toHandle().destroyForcibly();
        return awaitExit();
    }

    private int awaitExit() {
        try {
            if (!process.waitFor(90, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor();
            }
            return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    String tail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    @Override
    public void close() {
        if (process != null && process.isAlive()) {
            stop();
        }
    }
}
