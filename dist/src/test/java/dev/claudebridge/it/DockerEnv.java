package dev.claudebridge.it;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The Docker engine set up by dist/src/docker/docker-env.sh, and the release the container suite runs:
 * where things are (from the system properties dist/pom.xml sets), and commands with timeouts.
 * Always /usr/bin/docker and /usr/bin/docker-compose: another docker CLI may come first on PATH.
 */
final class DockerEnv {
    static final String DOCKER = "/usr/bin/docker";
    static final String COMPOSE = "/usr/bin/docker-compose";
    /** PATH for compose, which runs `docker` from PATH for exec: the engine's own CLI first. */
    static final String PATH = "/usr/bin:/bin:/usr/sbin:/sbin:/usr/local/bin";

    private DockerEnv() {}

    static Path root() {
        return Path.of(property("dist.deploy")).getParent();
    }

    static String version() {
        return property("dist.version");
    }

    static Path target() {
        return Path.of(property("dist.target"));
    }

    static Path script() {
        return root().resolve("dist/src/docker/docker-env.sh");
    }

    /** Why containers cannot run here (docker-env.sh start said so, or was not run), or empty when they can. */
    static Optional<String> unavailable() {
        Result r = run(List.of("bash", script().toString(), "status"), Map.of(), null, null, 60);
        return r.status() == 0
                ? Optional.empty()
                : Optional.of(
                        r.out().isBlank()
                                ? "docker-env.sh status failed: " + r.err()
                                : r.out().strip());
    }

    /** The real claude CLI, or empty when it is not installed. */
    static Optional<Path> realClaude() {
        String p = System.getProperty("claude.real", "");
        return !p.isBlank() && Files.isExecutable(Path.of(p)) ? Optional.of(Path.of(p)) : Optional.empty();
    }

    /** Unpacks the release into dir and the client archive into its deploy/, as DEPLOY.md says; returns the release. */
    static Path unpackRelease(Path dir) {
        String v = version();
        String arch = "amd64".equals(System.getProperty("os.arch")) ? "x86_64" : System.getProperty("os.arch");
        check(run(
                List.of(
                        "tar",
                        "-xzf",
                        target().resolve("claude-bridge-" + v + ".tar.gz").toString(),
                        "-C",
                        dir.toString()),
                Map.of(),
                null,
                null,
                120));
        Path release = dir.resolve("claude-bridge-" + v);
        check(run(
                List.of(
                        "tar",
                        "-xzf",
                        target().resolve("claude-bridge-client-" + v + "-linux-" + arch + ".tar.gz")
                                .toString(),
                        "-C",
                        release.resolve("deploy").toString()),
                Map.of(),
                null,
                null,
                120));
        return release;
    }

    /** Builds claude-bridge:TAG and claude-bridge-agent:TAG from the unpacked release (docker-env.sh images). */
    static void buildImages(Path release, String tag) {
        long t = System.nanoTime();
        check(run(
                List.of(
                        "bash",
                        script().toString(),
                        "images",
                        release.toString(),
                        release.resolve("deploy/claude-bridge-client").toString()),
                Map.of("CLAUDE_BRIDGE_TAG", tag),
                null,
                null,
                900));
        step("images built (tag " + tag + ")", t);
    }

    static void removeImages(String tag) {
        run(
                List.of(DOCKER, "rmi", "-f", "claude-bridge:" + tag, "claude-bridge-agent:" + tag),
                Map.of(),
                null,
                null,
                120);
    }

    static void step(String what, long startNanos) {
        System.out.printf("container suite: %s in %.1f s%n", what, (System.nanoTime() - startNanos) / 1e9);
    }

    record Result(int status, byte[] stdout, String err) {
        String out() {
            return new String(stdout, StandardCharsets.UTF_8);
        }

        @Override
        public String toString() {
            return "status " + status + ", stdout: " + (stdout.length > 2000 ? stdout.length + " bytes" : out())
                    + ", stderr: " + err;
        }
    }

    static Result check(Result r) {
        if (r.status() != 0) {
            throw new IllegalStateException("command failed: " + r);
        }
        return r;
    }

    /** Runs a command to its end (killing it after the timeout), with stdin (or none) and extra environment. */
    static Result run(List<String> cmd, Map<String, String> env, Path dir, byte[] stdin, int timeoutSeconds) {
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().putAll(env);
        if (dir != null) {
            pb.directory(dir.toFile());
        }
        if (stdin == null) {
            pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        }
        try {
            Process p = pb.start();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            Thread o = Thread.ofVirtual().start(() -> copy(p.getInputStream(), out));
            Thread e = Thread.ofVirtual().start(() -> copy(p.getErrorStream(), err));
            if (stdin != null) {
                Thread.ofVirtual().start(() -> {
                    try (OutputStream in = p.getOutputStream()) {
                        in.write(stdin);
                    } catch (IOException ignored) {
                        // the process ended without reading everything: its status says why
                    }
                });
            }
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                p.waitFor();
                o.join();
                e.join();
                throw new IllegalStateException(cmd + " did not end within " + timeoutSeconds + " s; stderr: "
                        + err.toString(StandardCharsets.UTF_8));
            }
            o.join();
            e.join();
            return new Result(p.exitValue(), out.toByteArray(), err.toString(StandardCharsets.UTF_8));
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(ex);
        }
    }

    private static void copy(InputStream in, ByteArrayOutputStream out) {
        try (in) {
            in.transferTo(out);
        } catch (IOException ignored) {
            // the process is gone
        }
    }

    static List<String> docker(String... args) {
        List<String> cmd = new ArrayList<>(List.of(DOCKER));
        cmd.addAll(List.of(args));
        return cmd;
    }

    /** Waits for a condition with a generous deadline; false if it never held. */
    static boolean await(java.util.function.BooleanSupplier condition, int seconds) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }

    static void deleteTree(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            System.out.println("could not delete " + dir + ": " + e);
        }
    }

    private static String property(String name) {
        String v = System.getProperty(name, "");
        if (v.isEmpty()) {
            throw new IllegalStateException(
                    "system property " + name + " is not set: run the tests through Maven (dist/pom.xml sets it)");
        }
        return v;
    }
}
