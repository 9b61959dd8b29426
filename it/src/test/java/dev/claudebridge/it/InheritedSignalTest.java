package dev.claudebridge.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.claudebridge.it.MessagesStandIn.Turn;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Signals sent to a claude that was started the ways scripts and orchestrators start it: as a
 * background job of a non-interactive shell (SIGINT and SIGQUIT inherited ignored), under {@code nohup}
 * (SIGHUP ignored), under {@code setsid}, and from Python's subprocess with a new session. The real
 * claude handles SIGINT, SIGTERM and SIGHUP whatever it inherited; the bridged one must end the same
 * way: same exit status, and its host process tree gone.
 *
 * <p>Each run makes the real CLI (against the Messages stand-in) run a Bash tool that sleeps, waits
 * until that sleep is running, then signals the caller's process, exactly as a script would. The direct
 * baseline is one run per signal, under a launcher that leaves that signal inherited ignored; the cases
 * run concurrently, each on a host of its own ({@link HostPool}). A script's background job, nohup's
 * SIGHUP and SIGTERM run with both clients; the setsid and Python launchers change nothing client-side.
 */
class InheritedSignalTest {
    private static final String SLEEP = "sleep 87";
    private static final long DEADLINE_SECONDS = 60;
    private static final String BACKGROUND_JOB = "sh -c '\"$@\" & echo $! > \"$PIDFILE\"; wait $!' sh";
    private static final String NOHUP = "exec nohup";
    /** The launcher of each signal's direct baseline: one where a script would have left it ignored. */
    private static final Map<String, String> BASELINE = Map.of("INT", BACKGROUND_JOB, "HUP", NOHUP, "TERM", NOHUP);

    private static final Map<String, FutureTask<Outcome>> DIRECT = new ConcurrentHashMap<>();
    private static HostPool hosts;

    @BeforeAll
    static void start() {
        // the scenarios pre-approve Bash (a tool that sleeps), which a profile must opt into
        RealClaudeHost.Setup setup =
                RealClaudeHost.with("claude.real").profile("allow-args: [\"--allowedTools=Bash\"]");
        hosts = new HostPool(setup::start);
    }

    @AfterAll
    static void stop() {
        if (hosts != null) {
            hosts.close();
        }
    }

    @Execution(ExecutionMode.CONCURRENT)
    @ParameterizedTest
    @EnumSource(Client.class)
    void sigintReachesABackgroundJobOfAScript(Client client) throws Exception {
        compare(client, BACKGROUND_JOB, "INT");
    }

    @Execution(ExecutionMode.CONCURRENT)
    @ParameterizedTest
    @EnumSource(Client.class)
    void sighupReachesAClaudeUnderNohup(Client client) throws Exception {
        compare(client, NOHUP, "HUP");
    }

    @Execution(ExecutionMode.CONCURRENT)
    @Test
    void sigintReachesABackgroundJobUnderSetsid() throws Exception {
        compare(Client.JAVA, "sh -c 'setsid \"$@\" & echo $! > \"$PIDFILE\"; wait $!' sh", "INT");
    }

    @Execution(ExecutionMode.CONCURRENT)
    @Test
    void sigintReachesAPythonSubprocessInANewSessionOfABackgroundOrchestrator() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/python3")), "python3 is not installed: skipped");
        String py = "import os, subprocess, sys\n"
                + "p = subprocess.Popen(sys.argv[1:], start_new_session=True)\n"
                + "open(os.environ['PIDFILE'], 'w').write(str(p.pid))\n"
                + "rc = p.wait()\n"
                + "sys.exit(rc if rc >= 0 else 128 - rc)\n";
        Path script = Files.createTempFile("orchestrator", ".py");
        try {
            Files.writeString(script, py);
            compare(Client.JAVA, "sh -c '/usr/bin/python3 " + script + " \"$@\" & wait $!' sh", "INT");
        } finally {
            Files.deleteIfExists(script);
        }
    }

    @Execution(ExecutionMode.CONCURRENT)
    @ParameterizedTest
    @EnumSource(Client.class)
    void sigtermEndsAClaudeUnderNohup(Client client) throws Exception {
        compare(client, NOHUP, "TERM");
    }

    /**
     * Runs claude through the bridge under a launcher, signals it while its tool runs, and compares with
     * the signal's direct baseline. {@code launcher} is a shell prefix; one that backgrounds claude
     * writes the background job's PID to $PIDFILE, otherwise the launcher's own PID is claude's (it execs).
     */
    private static void compare(Client client, String launcher, String signal) throws Exception {
        Outcome direct = direct(signal);
        try (var lease = hosts.borrow()) {
            RealClaudeHost host = lease.host();
            Outcome bridged = run(host, launcher, signal, client);
            // a direct claude ends its tool on SIGINT and SIGHUP but leaves it running on SIGTERM; the bridge
            // ends the host tree in every case (nothing of a request outlives it)
            if (signal.equals("INT")) {
                // claude ends the interrupted turn with "Execution error" and status 0 or 1: the CLI itself varies
                // between the two from run to run (measured directly), so the status must be one of them
                assertThat(direct.status()).as("direct %s", direct).isIn(0, 1);
                assertThat(bridged.status())
                        .as("bridged %s vs direct %s", bridged, direct)
                        .isIn(0, 1);
                assertThat(bridged.stdout())
                        .as("bridged %s vs direct %s", bridged, direct)
                        .isEqualTo(direct.stdout());
            } else {
                assertThat(bridged.status())
                        .as("bridged %s vs direct %s", bridged, direct)
                        .isEqualTo(direct.status());
            }
            assertThat(bridged.sleepEnded())
                    .as("the host tool ended: %s", bridged)
                    .isTrue();
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(DEADLINE_SECONDS);
            while (System.nanoTime() < until && !host.hostTree().isEmpty()) {
                Bridge.sleep(50);
            }
            assertThat(host.hostTree())
                    .as("the daemon's host processes after the run")
                    .isEmpty();
        }
    }

    /** The direct run for a signal, made once by whichever case asks first, on a host it gives back before it waits. */
    private static Outcome direct(String signal) throws Exception {
        FutureTask<Outcome> task = new FutureTask<>(() -> {
            try (var lease = hosts.borrow()) {
                Outcome o = run(lease.host(), BASELINE.get(signal), signal, null);
                System.out.println("direct, SIG" + signal + " under " + BASELINE.get(signal) + ": " + o);
                return o;
            }
        });
        FutureTask<Outcome> first = DIRECT.putIfAbsent(signal, task);
        if (first == null) {
            task.run();
            return task.get();
        }
        return first.get();
    }

    private record Outcome(int status, boolean sleepEnded, String stdout, String stderr) {}

    /** One run: through {@code client}, or direct when it is null. */
    private static Outcome run(RealClaudeHost host, String launcher, String signal, Client client) throws Exception {
        boolean bridged = client != null;
        host.awaitQuiet();
        host.api.script(Turn.toolUse("Bash", "{\"command\":\"" + SLEEP + "\"}"), Turn.text("done"));
        Path pidFile = Files.createTempFile(host.dir, "pid", "");
        Path out = Files.createTempFile(host.dir, "out", "");
        Path err = Files.createTempFile(host.dir, "err", "");
        List<String> cmd = new ArrayList<>(List.of("sh", "-c", launcher + " \"$@\"", "sh"));
        cmd.addAll(List.of(host.executable(client), "-p", "hello", "--allowedTools", "Bash"));
        ProcessBuilder pb = host.environment(
                new ProcessBuilder(cmd)
                        .directory(host.project.toFile())
                        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                        .redirectOutput(out.toFile())
                        .redirectError(err.toFile()),
                bridged);
        pb.environment().put("PIDFILE", pidFile.toString());
        Process launched = pb.start();
        ProcessHandle sleep = null;
        try {
            sleep = awaitSleep(host, launched);
            long pid = Files.readString(pidFile).isBlank()
                    ? launched.pid()
                    : Long.parseLong(Files.readString(pidFile).strip());
            Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid))
                    .inheritIO()
                    .start();
            assertThat(kill.waitFor()).as("kill -%s %d", signal, pid).isZero();
            assertThat(launched.waitFor(DEADLINE_SECONDS, TimeUnit.SECONDS))
                    .as(
                            "claude (%s) still runs %d s after SIG%s; stderr: %s",
                            host.executable(client), DEADLINE_SECONDS, signal, Files.readString(err))
                    .isTrue();
            // a direct claude ended by SIGTERM or SIGHUP leaves its tool running: look once, without waiting for it
            boolean sleepEnded = bridged ? awaitEnd(sleep) : !Proc.running(sleep.pid());
            return new Outcome(launched.exitValue(), sleepEnded, Files.readString(out), Files.readString(err));
        } finally {
            launched.descendants().forEach(ProcessHandle::destroyForcibly);
            launched.destroyForcibly();
            if (sleep != null) {
                sleep.destroyForcibly(); // what a direct claude left behind
            }
        }
    }

    private static boolean awaitEnd(ProcessHandle sleep) {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(DEADLINE_SECONDS);
        while (System.nanoTime() < until && Proc.running(sleep.pid())) {
            Bridge.sleep(50);
        }
        return !Proc.running(sleep.pid());
    }

    /** The Bash tool's sleep, once running: under the launcher when direct, under the daemon when bridged. */
    private static ProcessHandle awaitSleep(RealClaudeHost host, Process launched) {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(DEADLINE_SECONDS);
        while (System.nanoTime() < until) {
            Optional<ProcessHandle> sleep = java.util.stream.Stream.concat(
                            launched.descendants(), host.hostTree().stream())
                    .filter(p -> p.info().commandLine().orElse("").endsWith(SLEEP)
                            && p.info().command().orElse("").endsWith("/sleep"))
                    .findFirst();
            if (sleep.isPresent()) {
                return sleep.get();
            }
            if (!launched.isAlive()) {
                throw new AssertionError("claude exited with " + launched.exitValue() + " before its tool ran");
            }
            Bridge.sleep(50);
        }
        throw new AssertionError("the tool's sleep did not start within " + DEADLINE_SECONDS + " s");
    }
}
