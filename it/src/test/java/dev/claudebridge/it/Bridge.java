package dev.claudebridge.it;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real daemon ({@code bin/claude-bridge serve}) in its own process on a socket in a private temp
 * directory, and the real client ({@code bin/claude}) run against it. Closing stops the daemon by its
 * PID and deletes the directory.
 */
final class Bridge implements AutoCloseable {
    static final Path HOME = Path.of(System.getProperty("bridge.home", "..")).toAbsolutePath().normalize();
    static final Path CLIENT = HOME.resolve("bin/claude");
    static final Path DAEMON = HOME.resolve("bin/claude-bridge");

    private static final java.util.concurrent.Executor THREADS = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor();

    final Path dir;
    final Path socket;
    final Path log;
    private final Process daemon;

    private Bridge(Path dir, Process daemon) {
        this.dir = dir;
        this.socket = dir.resolve("b.sock");
        this.log = dir.resolve("daemon.log");
        this.daemon = daemon;
    }

    /** A temp directory short enough for socket paths, readable by other users (the permission test runs as nobody). */
    static Path tempDir() {
        try {
            Path d = Files.createTempDirectory(Path.of("/tmp"), "cbit-");
            Files.setPosixFilePermissions(d, PosixFilePermissions.fromString("rwxr-xr-x"));
            return d;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The fake claude script, copied into {@code dir} so the daemon can run it. */
    static Path fakeClaude(Path dir) {
        try (InputStream in = Bridge.class.getResourceAsStream("/fake-claude.sh")) {
            Path p = dir.resolve("fake-claude");
            Files.write(p, in.readAllBytes());
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Starts a daemon running the fake claude, with extra serve options. */
    static Bridge start(String... serveArgs) {
        Path dir = tempDir();
        return start(dir, Map.of(), withClaude(fakeClaude(dir), serveArgs));
    }

    static List<String> withClaude(Path claude, String... serveArgs) {
        List<String> args = new ArrayList<>(List.of("--claude", claude.toString()));
        args.addAll(List.of(serveArgs));
        return args;
    }

    static Bridge start(Path dir, Map<String, String> env, List<String> serveArgs) {
        List<String> cmd = new ArrayList<>(List.of(DAEMON.toString(), "serve", "--socket", dir.resolve("b.sock").toString()));
        cmd.addAll(serveArgs);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("daemon.log").toFile());
        pb.environment().putAll(env);
        try {
            Bridge b = new Bridge(dir, pb.start());
            b.awaitListening();
            return b;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void awaitListening() {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            if (!daemon.isAlive()) {
                throw new IllegalStateException("daemon exited with " + daemon.exitValue() + ":\n" + log());
            }
            if (Files.exists(socket)) {
                try (SocketChannel ch = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
                    return;
                } catch (IOException e) {
                    // bound but not yet accepting
                }
            }
            sleep(20);
        }
        throw new IllegalStateException("daemon did not listen within 30 s:\n" + log());
    }

    long daemonPid() {
        return daemon.pid();
    }

    Process daemon() {
        return daemon;
    }

    String log() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    /** A client process builder: socket set, its own CDS cache, cwd {@code cwd}. */
    ProcessBuilder client(Path cwd, String... args) {
        List<String> cmd = new ArrayList<>(List.of(CLIENT.toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(cwd.toFile());
        pb.environment().put("CLAUDE_BRIDGE_SOCKET", socket.toString());
        pb.environment().put("CLAUDE_BRIDGE_CACHE", dir.resolve("cache").toString());
        return pb;
    }

    Result run(String... args) {
        return run(client(dir, args), new byte[0]);
    }

    /** Runs a client to completion (60 s limit), feeding {@code stdin} and collecting both outputs. */
    static Result run(ProcessBuilder pb, byte[] stdin) {
        try {
            Process p = pb.start();
            // one thread each: the common pool may have a single worker on a 2-core machine
            CompletableFuture<byte[]> out = CompletableFuture.supplyAsync(() -> readAll(p.getInputStream()), THREADS);
            CompletableFuture<byte[]> err = CompletableFuture.supplyAsync(() -> readAll(p.getErrorStream()), THREADS);
            CompletableFuture.runAsync(() -> {
                try (var in = p.getOutputStream()) {
                    in.write(stdin);
                } catch (IOException e) {
                    // the client exited before reading all of stdin; its exit status tells the story
                }
            }, THREADS);
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("client did not finish within 60 s");
            }
            return new Result(p.exitValue(), out.join(), new String(err.join(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    static byte[] readAll(InputStream in) {
        try (in) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops the daemon (SIGTERM, then SIGKILL after 10 s) and removes the directory. */
    @Override
    public void close() {
        daemon.destroy();
        try {
            if (!daemon.waitFor(10, TimeUnit.SECONDS)) {
                daemon.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        deleteTree(dir);
    }

    static void deleteTree(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // best effort
        }
    }

    /** What a client run produced. */
    record Result(int status, byte[] stdout, String stderr) {
        String out() {
            return new String(stdout, StandardCharsets.UTF_8);
        }

        @Override
        public String toString() {
            return "status=" + status + "\nstdout=" + out() + "\nstderr=" + stderr;
        }
    }
}
