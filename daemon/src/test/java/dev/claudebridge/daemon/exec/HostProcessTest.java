package dev.claudebridge.daemon.exec;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Real processes started through posix_spawn; every one of them, and everything they start, is ended. */
@Timeout(value = 60, unit = SECONDS)
class HostProcessTest {
    private static final Map<String, String> ENV = Map.of("PATH", "/usr/bin:/bin", "LC_ALL", "C.UTF-8");
    private static final int SIGINT = 2;
    private static final int SIGKILL = 9;
    private static final int SIGTERM = 15;

    @TempDir
    Path tmp;

    private final List<HostProcess> started = new ArrayList<>();
    private final List<ProcessHandle> grandchildren = new ArrayList<>();

    @BeforeEach
    void realTemp() throws IOException {
        tmp = tmp.toRealPath();
    }

    @AfterEach
    void endEverythingStarted() throws Exception {
        for (HostProcess p : started) {
            if (!p.termination().isDone()) {
                p.terminateTree(Duration.ZERO);
            }
            p.termination().get(10, SECONDS);
            p.stdin().close();
            p.stdout().close();
            p.stderr().close();
        }
        for (ProcessHandle g : grandchildren) {
            g.destroyForcibly(); // ProcessHandle checks the start time, so a reused pid is never hit
            assertThat(ProcFs.awaitDead(g.pid(), Duration.ofSeconds(5)))
                    .as("grandchild %d ended", g.pid())
                    .isTrue();
        }
    }

    // ---- argv, environment, working directory

    @Test
    void argvIsPassedVerbatim() throws Exception {
        List<String> args = List.of(
                "",
                "two words",
                "  padded  ",
                "'single'",
                "\"double\"",
                "back\\slash",
                "line1\nline2\n",
                "tab\there",
                "ünïcødé ☃ 日本語 🎉",
                "--dangerously-skip-permissions",
                "-",
                "$HOME",
                "*",
                "; rm -rf /",
                "");

        Result r = finish(sh("for a in \"$@\"; do printf '%s\\0' \"$a\"; done", args.toArray(String[]::new)));

        assertThat(r.termination()).isEqualTo(new Termination(false, 0));
        assertThat(splitOnNul(r.stdout())).containsExactlyElementsOf(args);
    }

    @Test
    void theEnvironmentIsExactlyTheOneGiven() throws Exception {
        Map<String, String> env = Map.of(
                "A", "1", "SPACED", "a b  c", "EMPTY", "", "UNI", "ünï ☃", "MULTI", "l1\nl2", "EQ", "x=y=z", "LANG",
                "C.UTF-8");

        Result r = finish(start(List.of("/usr/bin/env", "-0"), env, tmp));

        Map<String, String> seen = new HashMap<>();
        for (String entry : splitOnNul(r.stdout())) {
            int eq = entry.indexOf('=');
            seen.put(entry.substring(0, eq), entry.substring(eq + 1));
        }
        assertThat(seen).isEqualTo(env);
    }

    @Test
    void anEmptyEnvironmentIsEmpty() throws Exception {
        Result r = finish(start(List.of("/usr/bin/env", "-0"), Map.of(), tmp));
        assertThat(r.termination().value()).isZero();
        assertThat(r.stdout()).isEmpty();
    }

    @Test
    void theWorkingDirectoryIsHonoured() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("a dir with spaces/ünï"));
        Result r = finish(start(List.of("/bin/pwd", "-P"), ENV, dir));
        assertThat(r.out()).isEqualTo(dir + "\n");
    }

    // ---- streams

    @Test
    void stdoutAndStderrAreSeparate() throws Exception {
        Result r = finish(sh("echo out1; echo err1 >&2; echo out2; echo err2 >&2"));
        assertThat(r.out()).isEqualTo("out1\nout2\n");
        assertThat(r.err()).isEqualTo("err1\nerr2\n");
    }

    @Test
    void stdinReachesTheProcessBinarySafeAndEofEndsIt() throws Exception {
        byte[] data = new byte[1 << 20]; // well past a pipe's 64 KiB, so both sides must stream
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) (i * 31 + (i >> 8));
        }
        HostProcess p = start(List.of("/bin/cat"), ENV, tmp);
        CompletableFuture<byte[]> out = readAsync(p.stdout());
        CompletableFuture<Void> in = CompletableFuture.runAsync(
                () -> {
                    try (var stdin = p.stdin()) {
                        stdin.write(data);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                },
                r -> Thread.ofVirtual().start(r));

        in.get(20, SECONDS);
        assertThat(p.termination().get(20, SECONDS)).isEqualTo(new Termination(false, 0));
        assertThat(out.get(20, SECONDS)).isEqualTo(data);
    }

    @Test
    void outputIsStreamedWhileTheProcessRuns() throws Exception {
        HostProcess p = sh("echo first; read line; echo \"got $line\"");
        BufferedReader out = new BufferedReader(new InputStreamReader(p.stdout(), StandardCharsets.UTF_8));

        assertThat(out.readLine()).isEqualTo("first");
        assertThat(p.termination()).as("still waiting for its input").isNotDone();

        p.stdin().write("hello\n".getBytes(StandardCharsets.UTF_8));
        p.stdin().flush();
        assertThat(out.readLine()).isEqualTo("got hello");
        assertThat(p.termination().get(10, SECONDS).value()).isZero();
    }

    // ---- how it ended

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 42, 130, 255})
    void theExitCodeIsReported(int code) throws Exception {
        Termination t = finish(sh("exit " + code)).termination();
        assertThat(t).isEqualTo(new Termination(false, code));
        assertThat(t).hasToString("exit " + code);
    }

    @ParameterizedTest
    @ValueSource(strings = {"TERM:15", "KILL:9", "INT:2", "HUP:1"})
    void deathBySignalIsReportedAsSuch(String nameAndNumber) throws Exception {
        String[] s = nameAndNumber.split(":");
        Termination t = finish(sh("kill -" + s[0] + " $$; sleep 5")).termination();
        assertThat(t).isEqualTo(new Termination(true, Integer.parseInt(s[1])));
        assertThat(t).hasToString("signal " + s[1]);
    }

    // ---- process group, session, descriptors

    @Test
    void theChildLeadsItsOwnSessionAndProcessGroupWithoutATerminal() throws Exception {
        HostProcess p = start(List.of("/bin/sleep", "30"), ENV, tmp);

        ProcFs.Stat st = ProcFs.stat(p.pid()).orElseThrow();
        ProcFs.Stat self = ProcFs.stat(ProcessHandle.current().pid()).orElseThrow();

        assertThat(st.pgrp()).as("process group").isEqualTo(p.pid());
        assertThat(st.session()).as("session").isEqualTo(p.pid()).isNotEqualTo(self.session());
        assertThat(st.ttyNr()).as("controlling terminal").isZero();
        assertThat(p.groupAlive()).isTrue();
    }

    @Test
    void aGroupIsFoundWhileAnyMemberLivesAndNotOnceNoneDoes() throws Exception {
        HostProcess p = sh("sleep 30 >/dev/null & echo $!");
        BufferedReader out = new BufferedReader(new InputStreamReader(p.stdout(), StandardCharsets.UTF_8));
        long sleeper = Long.parseLong(out.readLine().trim());
        grandchildren.add(ProcessHandle.of(sleeper).orElseThrow());
        p.termination().get(20, SECONDS);

        // the leader is gone, its child lives on in its group: the kernel's answer must not hide it
        assertThat(Posix.groupExists(p.pid())).isTrue();
        assertThat(ProcStat.groupMembers(p.pid())).containsExactly(sleeper);

        HostProcess alone = sh("exit 0");
        alone.termination().get(20, SECONDS);
        assertThat(Posix.groupExists(alone.pid())).as("a reaped leader's group").isFalse();
        assertThat(ProcStat.groupMembers(alone.pid())).isEmpty();
    }

    @Test
    void theChildInheritsNoOtherDescriptorOfTheDaemon() throws Exception {
        Path marker = Files.writeString(tmp.resolve("open-in-the-daemon.txt"), "x");
        try (FileInputStream held = new FileInputStream(marker.toFile())) {
            assertThat(held.getFD().valid()).isTrue();
            assertThat(fdTargets(ProcessHandle.current().pid()))
                    .as("the test really holds the file open")
                    .contains(marker.toString());

            HostProcess p = start(List.of("/bin/sleep", "30"), ENV, tmp);
            assertThat(ProcFs.awaitInNanosleep(p.pid(), Duration.ofSeconds(20)))
                    .as("sleep has started")
                    .isTrue();

            assertThat(fdNumbers(p.pid())).containsExactly("0", "1", "2");
            assertThat(fdTargets(p.pid())).noneMatch(t -> t.equals(marker.toString()));
        }
    }

    @Test
    void signalGroupReachesAGrandchild() throws Exception {
        // the grandchild runs in the foreground: a non-interactive shell starts background jobs with SIGINT ignored
        HostProcess p = sh("sh -c 'echo $$; exec sleep 30'; echo unreachable");
        long grandchild = grandchildPid(p);
        assertThat(ProcFs.stat(grandchild).orElseThrow().pgrp()).isEqualTo(p.pid());

        p.signalGroup(SIGINT);

        assertThat(p.termination().get(10, SECONDS)).isEqualTo(new Termination(true, SIGINT));
        assertThat(ProcFs.awaitDead(grandchild, Duration.ofSeconds(5)))
                .as("grandchild ended")
                .isTrue();
    }

    @Test
    void terminateTreeEndsAGrandchildThatIgnoresSigterm() throws Exception {
        HostProcess p = sh("sh -c \"trap '' TERM; echo \\$\\$; exec sleep 60\" & wait");
        long grandchild = grandchildPid(p);
        assertThat(ProcFs.ignores(grandchild, SIGTERM))
                .as("the grandchild really ignores SIGTERM")
                .isTrue();
        Duration grace = Duration.ofMillis(500);

        long t0 = System.nanoTime();
        p.terminateTree(grace);

        assertThat(p.termination().get(10, SECONDS)).isEqualTo(new Termination(true, SIGTERM));
        assertThat(ProcFs.awaitDead(grandchild, grace.plusSeconds(5)))
                .as("grandchild ended")
                .isTrue();
        // SIGKILL follows the grace; the bound is loose because a busy machine delays everything
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(grace.plusSeconds(5));
    }

    @Test
    void terminateTreeEndsAGrandchildThatLeftTheProcessGroup() throws Exception {
        HostProcess p = sh("setsid sleep 60 & echo $!; wait");
        long grandchild = grandchildPid(p);
        awaitOwnSession(grandchild);
        assertThat(ProcFs.stat(grandchild).orElseThrow().pgrp())
                .as("left the group")
                .isNotEqualTo(p.pid());

        p.terminateTree(Duration.ofMillis(500));

        assertThat(p.termination().get(10, SECONDS).signaled()).isTrue();
        assertThat(ProcFs.awaitDead(grandchild, Duration.ofSeconds(2)))
                .as("grandchild ended")
                .isTrue();
    }

    @Test
    void terminateTreeAfterTheLeaderExitedEndsWhatItLeftInItsGroup() throws Exception {
        HostProcess p = sh("sleep 60 & echo $!; read line; exit 0");
        long grandchild = grandchildPid(p);
        p.stdin().close();
        assertThat(p.termination().get(10, SECONDS)).isEqualTo(new Termination(false, 0));
        assertThat(ProcFs.running(grandchild)).as("left running").isTrue();
        assertThat(p.groupAlive()).isTrue();

        p.terminateTree(Duration.ofMillis(500));

        assertThat(ProcFs.awaitDead(grandchild, Duration.ofSeconds(2)))
                .as("grandchild ended")
                .isTrue();
    }

    @Test
    void terminateTreeAfterTheLeaderExitedEndsWhatLeftTheGroup() throws Exception {
        // the parent exits at once: no scan of the process table can have seen the escapee as its descendant
        assumeTrue(
                TreeCgroups.active().isPresent(),
                () -> "needs a cgroup per request, which ends what left the group; here: " + TreeCgroups.describe());
        HostProcess p = sh("setsid sleep 60 & echo $!; exit 0");
        String line = new BufferedReader(new InputStreamReader(p.stdout(), StandardCharsets.UTF_8)).readLine();
        assertThat(line).as("the script printed a pid").isNotNull().containsOnlyDigits();
        long escapee = Long.parseLong(line);
        ProcessHandle.of(escapee).ifPresent(grandchildren::add);
        assertThat(p.termination().get(10, SECONDS)).isEqualTo(new Termination(false, 0));
        awaitOwnSession(escapee);
        assertThat(p.groupAlive())
                .as("the escapee keeps the request's tree alive")
                .isTrue();

        p.terminateTree(Duration.ofMillis(500));

        assertThat(ProcFs.awaitDead(escapee, Duration.ofSeconds(2)))
                .as("escapee ended")
                .isTrue();
        assertThat(p.groupAlive()).isFalse();
    }

    @Test
    void aProcessThatLeftTheGroupIsStillEndedAfterItsParentExited() throws Exception {
        HostProcess p = sh("setsid sleep 60 & echo $!; read line; exit 0");
        long grandchild = grandchildPid(p);
        awaitOwnSession(grandchild);
        Thread.sleep(600); // longer than the tracker's scan interval: it has now seen the escapee
        p.stdin().close();
        assertThat(p.termination().get(10, SECONDS)).isEqualTo(new Termination(false, 0));

        p.terminateTree(Duration.ofMillis(500));

        assertThat(ProcFs.awaitDead(grandchild, Duration.ofSeconds(2)))
                .as("grandchild ended")
                .isTrue();
    }

    @Test
    void terminateTreeOfAnObedientTreeReturnsAsSoonAsItIsGone() throws Exception {
        // killed orphans stay zombies until someone reaps them (here PID 1 does so only every second or two)
        HostProcess p = sh("sleep 60 & echo $!; wait");
        long grandchild = grandchildPid(p);

        long t0 = System.nanoTime();
        p.terminateTree(Duration.ofSeconds(10));
        Duration took = Duration.ofNanos(System.nanoTime() - t0);

        assertThat(p.termination().get(10, SECONDS)).isEqualTo(new Termination(true, SIGTERM));
        assertThat(ProcFs.awaitDead(grandchild, Duration.ofSeconds(1))).isTrue();
        assertThat(took)
                .as("returned when the tree was gone, not after the 10 s grace")
                .isLessThan(Duration.ofSeconds(5));
    }

    // ---- failures

    @Test
    void aMissingProgramIsASpawnExceptionWithTheSystemsReason() {
        assertThatThrownBy(() -> start(List.of(tmp.resolve("no-such-program").toString()), ENV, tmp))
                .isInstanceOf(SpawnException.class)
                .hasMessageContaining("No such file or directory");
    }

    @Test
    void aProgramThatIsNotExecutableIsASpawnException() throws IOException {
        Path plain = Files.writeString(tmp.resolve("not-executable"), "echo hi\n");
        assertThatThrownBy(() -> start(List.of(plain.toString()), ENV, tmp))
                .isInstanceOf(SpawnException.class)
                .hasMessageContaining("Permission denied");
    }

    @Test
    void aMissingWorkingDirectoryIsASpawnException() {
        assertThatThrownBy(() -> start(List.of("/bin/true"), ENV, tmp.resolve("gone")))
                .isInstanceOf(SpawnException.class)
                .hasMessageContaining("No such file or directory");
    }

    @Test
    void aRelativeProgramIsRefusedBeforeSpawning() {
        assertThatThrownBy(() -> new ProcessSpec(List.of("sh", "-c", "true"), ENV, tmp))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("absolute");
        assertThatThrownBy(() -> new ProcessSpec(List.of(), ENV, tmp)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void spawningLeaksNoDescriptorsInTheDaemon() throws Exception {
        int before = fdNumbers(ProcessHandle.current().pid()).size();
        for (int i = 0; i < 20; i++) {
            assertThatThrownBy(() -> HostProcess.start(
                            new ProcessSpec(List.of(tmp.resolve("missing").toString()), ENV, tmp)))
                    .isInstanceOf(SpawnException.class);
            HostProcess p = HostProcess.start(new ProcessSpec(List.of("/bin/true"), ENV, tmp));
            p.termination().get(10, SECONDS);
            p.stdin().close();
            p.stdout().close();
            p.stderr().close();
        }
        // a leak would be at least 3 descriptors per spawn; a little slack for the JVM's own
        assertThat(fdNumbers(ProcessHandle.current().pid()).size()).isLessThan(before + 5);
    }

    // ---- helpers

    private record Result(Termination termination, byte[] stdout, byte[] stderr) {
        String out() {
            return new String(stdout, StandardCharsets.UTF_8);
        }

        String err() {
            return new String(stderr, StandardCharsets.UTF_8);
        }
    }

    private HostProcess start(List<String> command, Map<String, String> env, Path cwd) {
        HostProcess p = HostProcess.start(new ProcessSpec(command, env, cwd));
        started.add(p);
        return p;
    }

    /** {@code /bin/sh -c script sh args...}. */
    private HostProcess sh(String script, String... args) {
        List<String> command = new ArrayList<>(List.of("/bin/sh", "-c", script, "sh"));
        command.addAll(Arrays.asList(args));
        return start(command, ENV, tmp);
    }

    /** Closes stdin, collects both outputs concurrently, and waits for the end. */
    private static Result finish(HostProcess p) throws Exception {
        p.stdin().close();
        CompletableFuture<byte[]> out = readAsync(p.stdout());
        CompletableFuture<byte[]> err = readAsync(p.stderr());
        Termination t = p.termination().get(20, SECONDS);
        return new Result(t, out.get(20, SECONDS), err.get(20, SECONDS));
    }

    private static CompletableFuture<byte[]> readAsync(InputStream in) {
        return CompletableFuture.supplyAsync(
                () -> {
                    try {
                        ByteArrayOutputStream buf = new ByteArrayOutputStream();
                        in.transferTo(buf);
                        return buf.toByteArray();
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                },
                r -> Thread.ofVirtual().start(r));
    }

    /** The pid a script printed as its first line; remembered so it is ended after the test. */
    private long grandchildPid(HostProcess p) throws IOException {
        String line = new BufferedReader(new InputStreamReader(p.stdout(), StandardCharsets.UTF_8)).readLine();
        assertThat(line).as("the script printed a pid").isNotNull().containsOnlyDigits();
        long pid = Long.parseLong(line);
        ProcessHandle.of(pid).ifPresent(grandchildren::add);
        assertThat(ProcessHandle.of(p.pid()).orElseThrow().descendants().mapToLong(ProcessHandle::pid))
                .as("%d is a descendant of %d", pid, p.pid())
                .contains(pid);
        return pid;
    }

    /** Waits until {@code setsid} has made the process a session leader. */
    private static void awaitOwnSession(long pid) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (ProcFs.stat(pid).orElseThrow().session() != pid) {
            assertThat(System.nanoTime())
                    .as("%d became a session leader within 5 s", pid)
                    .isLessThan(deadline);
            Thread.sleep(5);
        }
    }

    private static List<String> splitOnNul(byte[] bytes) {
        List<String> out = new ArrayList<>();
        int from = 0;
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == 0) {
                out.add(new String(bytes, from, i - from, StandardCharsets.UTF_8));
                from = i + 1;
            }
        }
        assertThat(from).as("output ends with a NUL").isEqualTo(bytes.length);
        return out;
    }

    private static List<String> fdNumbers(long pid) throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc/" + pid + "/fd"))) {
            return fds.map(f -> f.getFileName().toString())
                    .sorted((a, b) -> Integer.parseInt(a) - Integer.parseInt(b))
                    .toList();
        }
    }

    private static List<String> fdTargets(long pid) throws IOException {
        List<String> out = new ArrayList<>();
        for (String fd : fdNumbers(pid)) {
            try {
                out.add(Files.readSymbolicLink(Path.of("/proc/" + pid + "/fd/" + fd))
                        .toString());
            } catch (IOException e) {
                // closed meanwhile
            }
        }
        return out;
    }
}
