package dev.claudebridge.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.claudebridge.it.MessagesStandIn.Turn;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Signals sent to a claude that was started the ways scripts and orchestrators start it: as a
 * background job of a non-interactive shell (SIGINT and SIGQUIT inherited ignored), under {@code nohup}
 * (SIGHUP ignored), under {@code setsid}, and from Python's subprocess with a new session. The real
 * claude handles SIGINT, SIGTERM and SIGHUP whatever it inherited; the bridged one must end the same
 * way: same exit status, and its host process tree gone.
 *
 * <p>Each run makes the real CLI (against the Messages stand-in) run a Bash tool that sleeps, waits
 * until that sleep is running, then signals the caller's process, exactly as a script would.
 */
class InheritedSignalTest {
    private static final String KEY = "sk-test-standin-0123456789abcdef";
    private static final String SLEEP = "sleep 87";
    private static final long DEADLINE_SECONDS = 60;

    private static Path claude;
    private static Path dir;
    private static Path home;
    private static Path project;
    private static MessagesStandIn api;
    private static Bridge bridge;
    private static Map<String, String> apiEnv;

    @BeforeAll
    static void start() throws IOException {
        String prop = System.getProperty("claude.real", "");
        Assumptions.assumeTrue(
                !prop.isBlank() && Files.isExecutable(Path.of(prop)),
                "the real claude CLI is not installed (./build.sh test installs it into .tools/): skipped");
        claude = Path.of(prop);
        dir = Bridge.tempDir();
        home = Files.createDirectories(dir.resolve("home"));
        Files.writeString(home.resolve(".claude.json"), "{\"hasCompletedOnboarding\":true}");
        project = Files.createDirectories(dir.resolve("project"));
        api = new MessagesStandIn();
        apiEnv = Map.of(
                "HOME",
                home.toString(),
                "ANTHROPIC_BASE_URL",
                api.baseUrl(),
                "ANTHROPIC_API_KEY",
                KEY,
                "DISABLE_AUTOUPDATER",
                "1",
                "DISABLE_TELEMETRY",
                "1",
                "CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC",
                "1");
        bridge = Bridge.start(
                dir,
                InheritedSignalTest::foreign,
                apiEnv,
                List.of(
                        "--claude",
                        claude.toString(),
                        "--map",
                        project + "=" + project,
                        "--admin-listen",
                        "off",
                        // the scenarios pre-approve Bash (a tool that sleeps), which a profile must opt into
                        "--config",
                        Bridge.writeConfig(
                                        dir,
                                        "signals.yaml",
                                        "profiles: { default: { allow-args: [\"--allowedTools=Bash\"] } }\n")
                                .toString()));
    }

    @AfterAll
    static void stop() {
        if (api != null) {
            api.close();
        }
        if (bridge != null) {
            bridge.close();
        } else if (dir != null) {
            Bridge.deleteTree(dir);
        }
    }

    /** Nothing of the developer's own Claude settings, credentials or proxies may reach the CLI. */
    private static boolean foreign(String name) {
        return name.startsWith("ANTHROPIC_")
                || name.startsWith("CLAUDE")
                || name.toLowerCase(Locale.ROOT).endsWith("_proxy");
    }

    @Test
    void sigintReachesABackgroundJobOfAScript() throws Exception {
        compare("sh -c '\"$@\" & echo $! > \"$PIDFILE\"; wait $!' sh", "INT");
    }

    @Test
    void sighupReachesAClaudeUnderNohup() throws Exception {
        compare("exec nohup", "HUP");
    }

    @Test
    void sigintReachesABackgroundJobUnderSetsid() throws Exception {
        compare("sh -c 'setsid \"$@\" & echo $! > \"$PIDFILE\"; wait $!' sh", "INT");
    }

    @Test
    void sigintReachesAPythonSubprocessInANewSessionOfABackgroundOrchestrator() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/python3")), "python3 is not installed: skipped");
        String py = "import os, subprocess, sys\n"
                + "p = subprocess.Popen(sys.argv[1:], start_new_session=True)\n"
                + "open(os.environ['PIDFILE'], 'w').write(str(p.pid))\n"
                + "rc = p.wait()\n"
                + "sys.exit(rc if rc >= 0 else 128 - rc)\n";
        Path script = dir.resolve("orchestrator.py");
        Files.writeString(script, py);
        compare("sh -c '/usr/bin/python3 " + script + " \"$@\" & wait $!' sh", "INT");
    }

    @Test
    void sigtermEndsAClaudeUnderNohup() throws Exception {
        compare("exec nohup", "TERM");
    }

    /**
     * Runs claude directly and through the bridge under the same launcher, signals it while its tool
     * runs, and compares. {@code launcher} is a shell prefix; one that backgrounds claude writes the
     * background job's PID to $PIDFILE, otherwise the launcher's own PID is claude's (it execs).
     */
    private static void compare(String launcher, String signal) throws Exception {
        Outcome direct = run(launcher, signal, claude.toString(), apiEnv);
        System.out.println("direct, SIG" + signal + " under " + launcher + ": " + direct);
        Outcome bridged = run(
                launcher,
                signal,
                Bridge.CLIENT.toString(),
                Map.of(
                        "CLAUDE_BRIDGE_SOCKET",
                        bridge.socket.toString(),
                        "CLAUDE_BRIDGE_CACHE",
                        Bridge.CLIENT_CACHE.toString()));
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
        assertThat(bridged.sleepEnded()).as("the host tool ended: %s", bridged).isTrue();
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(DEADLINE_SECONDS);
        while (System.nanoTime() < until && !hostTree().isEmpty()) {
            Bridge.sleep(50);
        }
        assertThat(hostTree()).as("the daemon's host processes after the run").isEmpty();
    }

    private static List<ProcessHandle> hostTree() {
        return ProcessHandle.of(bridge.daemonPid())
                .orElseThrow()
                .descendants()
                .filter(p -> Proc.running(p.pid()))
                .toList();
    }

    private record Outcome(int status, boolean sleepEnded, String stdout, String stderr) {}

    /** Waits until the previous run's processes are gone, so none of them takes this run's scripted turns. */
    private static void awaitQuiet() {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(DEADLINE_SECONDS);
        while (System.nanoTime() < until && !hostTree().isEmpty()) {
            Bridge.sleep(50);
        }
    }

    private static Outcome run(String launcher, String signal, String executable, Map<String, String> env)
            throws Exception {
        awaitQuiet();
        api.script(Turn.toolUse("Bash", "{\"command\":\"" + SLEEP + "\"}"), Turn.text("done"));
        Path pidFile = Files.createTempFile(dir, "pid", "");
        Path out = Files.createTempFile(dir, "out", "");
        Path err = Files.createTempFile(dir, "err", "");
        List<String> cmd = new ArrayList<>(List.of("sh", "-c", launcher + " \"$@\"", "sh"));
        cmd.addAll(List.of(executable, "-p", "hello", "--allowedTools", "Bash"));
        ProcessBuilder pb = new ProcessBuilder(cmd)
                .directory(project.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .redirectOutput(out.toFile())
                .redirectError(err.toFile());
        pb.environment().keySet().removeIf(InheritedSignalTest::foreign);
        pb.environment().putAll(env);
        pb.environment().put("PIDFILE", pidFile.toString());
        Process launched = pb.start();
        ProcessHandle sleep = null;
        try {
            sleep = awaitSleep(launched);
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
                            executable, DEADLINE_SECONDS, signal, Files.readString(err))
                    .isTrue();
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(DEADLINE_SECONDS);
            while (System.nanoTime() < until && Proc.running(sleep.pid())) {
                Bridge.sleep(50);
            }
            return new Outcome(
                    launched.exitValue(), !Proc.running(sleep.pid()), Files.readString(out), Files.readString(err));
        } finally {
            launched.descendants().forEach(ProcessHandle::destroyForcibly);
            launched.destroyForcibly();
            if (sleep != null) {
                sleep.destroyForcibly(); // a direct claude ended by SIGTERM leaves its tool behind
            }
        }
    }

    /** The Bash tool's sleep, once running: under the launcher when direct, under the daemon when bridged. */
    private static ProcessHandle awaitSleep(Process launched) {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(DEADLINE_SECONDS);
        while (System.nanoTime() < until) {
            Optional<ProcessHandle> sleep = java.util.stream.Stream.concat(
                            launched.descendants(),
                            ProcessHandle.of(bridge.daemonPid()).orElseThrow().descendants())
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
