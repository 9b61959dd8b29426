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
import org.junit.jupiter.api.Assumptions;

/**
 * A real daemon ({@code bin/claude-bridge serve}) in its own process on a socket in a private temp
 * directory, and the real client ({@code bin/claude}) run against it. Closing stops the daemon by its
 * PID and deletes the directory.
 */
final class Bridge implements AutoCloseable {
    static final Path HOME =
            Path.of(System.getProperty("bridge.home", "..")).toAbsolutePath().normalize();
    static final Path CLIENT = HOME.resolve("bin/claude");
    static final Path DAEMON = HOME.resolve("bin/claude-bridge");
    /**
     * One client class cache for the whole suite, as one container would have: its AOT cache is trained
     * once (in the background, a couple of JVMs' worth of CPU) rather than once per test class.
     */
    static final Path CLIENT_CACHE = HOME.resolve("it/target/client-cache");

    private static final java.util.concurrent.Executor THREADS =
            java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor();

    final Path dir;
    final Path socket;
    final Path log;
    private final Process daemon;
    /** The variables that point a client at this daemon other than by its socket (a network transport's). */
    private Map<String, String> reach = Map.of();

    private List<String> clientHost = List.of();

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

    /** The pinned real claude CLI ({@code -Dclaude.real}); the calling test is skipped when it is not installed. */
    static Path realClaude() {
        String prop = System.getProperty("claude.real", "");
        Assumptions.assumeTrue(
                !prop.isBlank() && Files.isExecutable(Path.of(prop)),
                "the real claude CLI is not installed (./build.sh test installs it into .tools/): skipped");
        return Path.of(prop);
    }

    /** Skips the calling test where bubblewrap, which the sandbox needs, is not installed. */
    static void assumeBubblewrap() {
        Assumptions.assumeTrue(
                Files.isExecutable(Path.of("/usr/bin/bwrap")),
                "bubblewrap is not installed (./build.sh test installs it): skipped");
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

    /** Another stand-in claude from the test resources, copied into {@code dir} as {@code name}. */
    static Path script(Path dir, String resource, String name) {
        try (InputStream in = Bridge.class.getResourceAsStream(resource)) {
            Path p = dir.resolve(name);
            Files.write(p, in.readAllBytes());
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The daemon's open file descriptors, from /proc. */
    /**
     * The daemon's open descriptors, less the JDK's epoll instances: the virtual-thread scheduler makes a
     * poller per carrier thread as load adds carriers and keeps them, bounded by the carrier pool, not by
     * requests. Every socket, pipe and file still counts.
     */
    long openFds() {
        return fdTargets().stream()
                .filter(t -> !t.endsWith("anon_inode:[eventpoll]"))
                .count();
    }

    /** What each of the daemon's file descriptors points at, for failure messages. */
    List<String> fdTargets() {
        try (Stream<Path> fds = Files.list(Path.of("/proc", Long.toString(daemon.pid()), "fd"))) {
            return fds.map(p -> {
                        try {
                            return p.getFileName() + " -> " + Files.readSymbolicLink(p);
                        } catch (IOException e) {
                            return p.getFileName() + " (gone)";
                        }
                    })
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The daemon's threads, from /proc. */
    long threads() {
        try (Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(daemon.pid()), "task"))) {
            return tasks.count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The daemon's child processes that are still running (zombies do not count). */
    List<Long> children() {
        return daemon.children().map(ProcessHandle::pid).filter(Proc::running).toList();
    }

    /** Waits (10 s at most) until the daemon has no running child; returns those left, with their commands. */
    List<String> awaitNoChildren() {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline && !children().isEmpty()) {
            sleep(50);
        }
        return children().stream()
                .map(pid -> pid + " "
                        + ProcessHandle.of(pid).flatMap(h -> h.info().command()).orElse("?"))
                .toList();
    }

    /**
     * The admin endpoint's base URL ({@code http://127.0.0.1:PORT}), read from the daemon's log; start
     * the daemon with {@code --admin-listen 127.0.0.1:0} so that it picks a free port and logs it.
     */
    String adminUrl() {
        java.util.regex.Pattern line = java.util.regex.Pattern.compile("admin endpoint on (http://[^ ]+)");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            java.util.regex.Matcher m = line.matcher(log());
            if (m.find()) {
                return m.group(1);
            }
            if (!daemon.isAlive()) {
                break;
            }
            sleep(20);
        }
        throw new IllegalStateException("the daemon logged no admin endpoint:\n" + log());
    }

    /** The policy tests' stand-in claude ({@code policy-claude.sh}), copied into {@code dir}. */
    static Path policyClaude(Path dir) {
        try (InputStream in = Bridge.class.getResourceAsStream("/policy-claude.sh")) {
            Path p = dir.resolve("policy-claude");
            Files.write(p, in.readAllBytes());
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes a configuration file into {@code dir}. */
    static Path writeConfig(Path dir, String name, String yaml) {
        try {
            return Files.writeString(dir.resolve(name), yaml);
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
        return start(dir, name -> false, env, serveArgs);
    }

    /**
     * Like {@link #start(Path, Map, List)}, without the inherited variables whose names match {@code drop}
     * (e.g. a developer's own ANTHROPIC_* settings, which a test of the real CLI must not use).
     */
    static Bridge start(
            Path dir, java.util.function.Predicate<String> drop, Map<String, String> env, List<String> serveArgs) {
        List<String> cmd = new ArrayList<>(List.of(
                DAEMON.toString(), "serve", "--socket", dir.resolve("b.sock").toString()));
        cmd.addAll(serveArgs);
        if (!serveArgs.contains("--config") && !serveArgs.contains("--audit-log")) {
            cmd.addAll(List.of("--audit-log", dir.resolve("audit.log").toString())); // never the system's /var/log
        }
        return launch(dir, drop, env, cmd);
    }

    /**
     * A daemon configured by a file alone (no --socket: the file's listeners apply); its first listener
     * must be {@code dir/b.sock}, which is what the fixture waits for.
     */
    static Bridge startWithConfig(Path dir, Map<String, String> env, Path config, String... serveArgs) {
        return startWithConfig(dir, name -> false, env, config, serveArgs);
    }

    /** Like {@link #startWithConfig(Path, Map, Path, String...)}, without the inherited variables {@code drop} matches. */
    static Bridge startWithConfig(
            Path dir,
            java.util.function.Predicate<String> drop,
            Map<String, String> env,
            Path config,
            String... serveArgs) {
        List<String> cmd = new ArrayList<>(List.of(DAEMON.toString(), "serve", "--config", config.toString()));
        if (!List.of(serveArgs).contains("--admin-listen")) {
            cmd.addAll(List.of("--admin-listen", "off"));
        }
        cmd.addAll(List.of(serveArgs));
        return launch(dir, drop, env, cmd);
    }

    private static Bridge launch(
            Path dir, java.util.function.Predicate<String> drop, Map<String, String> env, List<String> cmd) {
        ProcessBuilder pb = new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("daemon.log").toFile());
        pb.environment().keySet().removeIf(drop);
        pb.environment().putAll(env);
        try {
            Bridge b = new Bridge(dir, pb.start());
            try {
                b.awaitListening();
            } catch (RuntimeException e) {
                b.daemon.destroyForcibly(); // a daemon that listens too late would outlive the test
                throw e;
            }
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

    /** The audit log of a daemon started without --config ({@code dir/audit.log}). */
    Path auditLog() {
        return dir.resolve("audit.log");
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

    private static Path readableClient;

    /**
     * The client laid out as in a release, in a directory every user may read, for tests that run it
     * as another user: the project's own tree may not be readable by them (a clone under a private
     * temporary directory). Made once per test JVM and removed when it exits.
     */
    static synchronized Path readableClient() {
        if (readableClient == null) {
            try {
                readableClient = copyClientForEveryone();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
        return readableClient;
    }

    private static Path copyClientForEveryone() throws IOException {
        var open = java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x");
        Path root = Files.createTempDirectory(
                Path.of("/tmp"),
                "claude-bridge-client-",
                java.nio.file.attribute.PosixFilePermissions.asFileAttribute(open));
        Path client = HOME.resolve("client/target");
        Path lib = Files.createDirectories(root.resolve("lib"));
        Files.copy(client.resolve("claude-bridge-client.jar"), lib.resolve("claude-bridge-client.jar"));
        Path nativeDir = client.resolve("native");
        if (Files.isDirectory(nativeDir)) {
            try (var files = Files.walk(nativeDir)) {
                for (Path f : files.toList()) {
                    Path to = lib.resolve("native")
                            .resolve(nativeDir.relativize(f).toString());
                    if (Files.isDirectory(f)) {
                        Files.createDirectories(to);
                    } else {
                        Files.copy(f, to);
                    }
                }
            }
        }
        Files.copy(CLIENT, Files.createDirectories(root.resolve("bin")).resolve("claude"));
        try (var files = Files.walk(root)) {
            for (Path f : files.toList()) {
                Files.setPosixFilePermissions(f, open);
            }
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try (var files = Files.walk(root)) {
                for (Path f : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(f);
                }
            } catch (IOException e) {
                // best effort at exit
            }
        }));
        return root.resolve("bin/claude");
    }

    ProcessBuilder client(Path cwd, String... args) {
        return client(Client.JAVA, cwd, args);
    }

    /** A process builder for {@code client}: the way to this daemon set, the suite's class cache, cwd {@code cwd}. */
    ProcessBuilder client(Client client, Path cwd, String... args) {
        List<String> cmd = new ArrayList<>(clientHost);
        cmd.add(client.executable().toString());
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(cwd.toFile());
        pb.environment().putAll(clientEnvironment());
        return pb;
    }

    /** From now on, clients reach this daemon with these variables instead of its socket. */
    void reachedBy(Map<String, String> env) {
        reachedBy(env, List.of());
    }

    /**
     * Like {@link #reachedBy(Map)}, the clients run with {@code host} in front of their command (e.g.
     * {@code ip netns exec NS}: on another "host", {@link TwoHosts}).
     */
    void reachedBy(Map<String, String> env, List<String> host) {
        reach = Map.copyOf(env);
        clientHost = List.copyOf(host);
    }

    /** What runs a command where this daemon's clients run: nothing, or {@link TwoHosts#agent()}. */
    List<String> clientHost() {
        return clientHost;
    }

    /** The variables a client needs to reach this daemon: its socket or its transport's, and the suite's class cache. */
    Map<String, String> clientEnvironment() {
        Map<String, String> env = new java.util.HashMap<>(reach);
        if (reach.isEmpty()) {
            env.put("CLAUDE_BRIDGE_SOCKET", socket.toString());
        }
        env.put("CLAUDE_BRIDGE_CACHE", CLIENT_CACHE.toString());
        return env;
    }

    Result run(String... args) {
        return run(Client.JAVA, args);
    }

    Result run(Client client, String... args) {
        return run(client(client, dir, args), new byte[0]);
    }

    /** Runs a client to completion (60 s limit), feeding {@code stdin} and collecting both outputs. */
    static Result run(ProcessBuilder pb, byte[] stdin) {
        try {
            Process p = pb.start();
            // one thread each: the common pool may have a single worker on a 2-core machine
            CompletableFuture<byte[]> out = CompletableFuture.supplyAsync(() -> readAll(p.getInputStream()), THREADS);
            CompletableFuture<byte[]> err = CompletableFuture.supplyAsync(() -> readAll(p.getErrorStream()), THREADS);
            CompletableFuture.runAsync(
                    () -> {
                        try (var in = p.getOutputStream()) {
                            in.write(stdin);
                        } catch (IOException e) {
                            // the client exited before reading all of stdin; its exit status tells the story
                        }
                    },
                    THREADS);
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
