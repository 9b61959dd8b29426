package dev.claudebridge.dist;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** One external command, run to completion with a time limit; nothing of it outlives {@link #run}. */
final class Proc {
    private final List<String> command;
    private final Map<String, String> env = new LinkedHashMap<>();
    private boolean inheritEnv = true;
    private Optional<Path> dir = Optional.empty();

    private Proc(List<String> command) {
        this.command = command;
    }

    static Proc of(String... command) {
        return new Proc(List.of(command));
    }

    static Proc of(List<String> command) {
        return new Proc(List.copyOf(command));
    }

    /** Starts from an empty environment instead of this JVM's. */
    Proc cleanEnv() {
        inheritEnv = false;
        return this;
    }

    Proc env(String name, String value) {
        env.put(name, value);
        return this;
    }

    Proc dir(Path d) {
        dir = Optional.of(d);
        return this;
    }

    /** The exit status and everything printed; a command still running after {@code limit} is killed and fails the test. */
    Result run(Duration limit) {
        ProcessBuilder pb = new ProcessBuilder(command);
        if (!inheritEnv) {
            pb.environment().clear();
        }
        pb.environment().putAll(env);
        dir.ifPresent(d -> pb.directory(d.toFile()));
        pb.redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + command, e);
        }
        CompletableFuture<String> out = drain(p.getInputStream());
        CompletableFuture<String> err = drain(p.getErrorStream());
        try {
            if (!p.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly().waitFor();
                String said = err.completeOnTimeout("", 2, TimeUnit.SECONDS).join();
                throw new AssertionError(command + " still running after " + limit + ", killed; its stderr: " + said);
            }
            return new Result(p.exitValue(), out.join(), err.join());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            throw new AssertionError("interrupted waiting for " + command, e);
        }
    }

    private static CompletableFuture<String> drain(InputStream in) {
        CompletableFuture<String> f = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try (in) {
                f.complete(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                f.completeExceptionally(e);
            }
        });
        return f;
    }

    record Result(int exit, String out, String err) {
        /** The result, after checking the command succeeded. */
        Result ok() {
            if (exit != 0) {
                throw new AssertionError("exit " + exit + "\nstdout: " + out + "\nstderr: " + err);
            }
            return this;
        }
    }
}
