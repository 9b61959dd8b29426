package dev.claudebridge.it;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A caller whose host process is a tree (the admin stand-in's {@code tree} mode: a shell, a child, a
 * second shell and its child), running until someone ends it; the host pids come from its first line.
 */
final class RunningTree implements AutoCloseable {
    final Process caller;
    final List<Long> pids;
    private final CompletableFuture<String> rest;
    private final CompletableFuture<String> err;

    private RunningTree(
            Process caller, List<Long> pids, CompletableFuture<String> rest, CompletableFuture<String> err) {
        this.caller = caller;
        this.pids = pids;
        this.rest = rest;
        this.err = err;
    }

    /** Starts {@code claude tree} and waits until its whole tree runs. */
    static RunningTree start(Bridge bridge) {
        try {
            Process p = bridge.client(bridge.dir, "tree").start();
            p.getOutputStream().close();
            CompletableFuture<String> err = CompletableFuture.supplyAsync(
                    () -> new String(Bridge.readAll(p.getErrorStream()), StandardCharsets.UTF_8));
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            String first = out.readLine();
            if (first == null || !first.startsWith("tree ")) {
                p.destroyForcibly();
                throw new AssertionError("the tree did not start: " + first + "\n" + err.join());
            }
            List<Long> pids = Arrays.stream(first.substring(5).split(" "))
                    .map(Long::parseLong)
                    .toList();
            CompletableFuture<String> rest = CompletableFuture.supplyAsync(() -> {
                try {
                    return out.lines().reduce("", (a, b) -> a + b + "\n");
                } catch (UncheckedIOException e) {
                    return "";
                }
            });
            return new RunningTree(p, pids, rest, err);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The pids of the tree still running (zombies do not count). */
    List<Long> alive() {
        return pids.stream().filter(Proc::running).toList();
    }

    /** Waits (20 s at most) until none of the tree runs; returns those left. */
    List<Long> awaitGone() {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!alive().isEmpty() && System.nanoTime() < deadline) {
            Bridge.sleep(50);
        }
        return alive();
    }

    /** The caller's exit status (60 s at most). */
    int awaitExit() throws InterruptedException {
        if (!caller.waitFor(60, TimeUnit.SECONDS)) {
            throw new AssertionError("the caller did not end within 60 s");
        }
        rest.join();
        return caller.exitValue();
    }

    String stderr() {
        return err.join();
    }

    /** Kills what is left, by the pids this test started. */
    @Override
    public void close() {
        caller.destroyForcibly();
        for (long pid : pids) {
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        }
    }
}
