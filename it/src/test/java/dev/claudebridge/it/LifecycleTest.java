package dev.claudebridge.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Signals, disconnects and crashes: nothing is left running on the host, and the caller always learns why. */
class LifecycleTest {
    private static Bridge bridge;

    @BeforeAll
    static void start() {
        bridge = Bridge.start();
    }

    @AfterAll
    static void stop() {
        bridge.close();
    }

    @ParameterizedTest
    @CsvSource({"INT,got-INT,12", "TERM,got-TERM,25", "HUP,got-HUP,11"})
    void signalsToTheClientReachTheHostProcess(String signal, String reply, int status) throws Exception {
        Process client = bridge.client(bridge.dir, "trap").start();
        try (BufferedReader out =
                new BufferedReader(new InputStreamReader(client.getInputStream(), StandardCharsets.UTF_8))) {
            assertThat(out.readLine()).isEqualTo("ready");
            kill(signal, client.pid());
            assertThat(out.readLine()).isEqualTo(reply);
        }
        assertThat(client.waitFor(20, TimeUnit.SECONDS)).isTrue();
        assertThat(client.exitValue()).isEqualTo(status);
    }

    @Test
    void aSignalGetsThroughWhileTheProcessIgnoresAFloodOfStdin() throws Exception {
        Process client = bridge.client(bridge.dir, "trap").start();
        // the fake never reads stdin: 8 MiB fill every buffer between here and its pipe
        Thread feeder = Thread.ofVirtual().start(() -> {
            try (var in = client.getOutputStream()) {
                in.write(new byte[8 * 1024 * 1024]);
            } catch (IOException e) {
                // the client exited first
            }
        });
        try (BufferedReader out =
                new BufferedReader(new InputStreamReader(client.getInputStream(), StandardCharsets.UTF_8))) {
            assertThat(out.readLine()).isEqualTo("ready");
            Bridge.sleep(500); // let the flood back up
            kill("INT", client.pid());
            assertThat(out.readLine()).isEqualTo("got-INT");
        }
        assertThat(client.waitFor(20, TimeUnit.SECONDS)).isTrue();
        assertThat(client.exitValue()).isEqualTo(12);
        feeder.join(10_000);
    }

    @Test
    void killingTheClientEndsTheWholeHostTreeWithinTwoSeconds() throws Exception {
        Path pids = bridge.dir.resolve("tree.pids");
        Process client = bridge.client(bridge.dir, "tree", pids.toString()).start();
        long[] tree = awaitPids(pids);
        assertThat(Arrays.stream(tree).allMatch(Proc::running)).isTrue();
        client.destroyForcibly(); // SIGKILL: the client gets no chance to say goodbye
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        while (System.nanoTime() < deadline && Arrays.stream(tree).anyMatch(Proc::running)) {
            Bridge.sleep(20);
        }
        // the child ignores SIGTERM, so this also proves the SIGKILL after the grace period
        String log = bridge.log();
        assertThat(Arrays.stream(tree).filter(Proc::running).boxed().toList())
                .as("host processes still running; daemon log:\n" + log.substring(Math.max(0, log.length() - 3000)))
                .isEmpty();
        Files.deleteIfExists(pids);
    }

    @Test
    void daemonDeathMidStreamGivesAClearErrorNotAHang() throws Exception {
        Bridge own = Bridge.start();
        try {
            Path pids = own.dir.resolve("tree.pids");
            Process client = own.client(own.dir, "tree", pids.toString()).start();
            awaitPids(pids);
            own.daemon().destroyForcibly();
            assertThat(client.waitFor(20, TimeUnit.SECONDS))
                    .as("client must not hang")
                    .isTrue();
            String err = new String(client.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(client.exitValue()).isEqualTo(74);
            assertThat(err).contains("connection to the bridge lost before claude finished");
        } finally {
            // the SIGKILLed daemon could not end its tree; the test does, by the pids it was told
            Path pids = own.dir.resolve("tree.pids");
            if (Files.exists(pids)) {
                for (long pid : readPids(pids)) {
                    ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
                }
            }
            own.close();
        }
    }

    private static long[] awaitPids(Path file) throws IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!Files.exists(file)) {
            assertThat(System.nanoTime()).as("fake claude never wrote its pids").isLessThan(deadline);
            Bridge.sleep(20);
        }
        return readPids(file);
    }

    private static long[] readPids(Path file) throws IOException {
        return Arrays.stream(Files.readString(file).trim().split(" "))
                .mapToLong(Long::parseLong)
                .toArray();
    }

    static void kill(String signal, long pid) throws Exception {
        Process k = new ProcessBuilder("kill", "-" + signal, Long.toString(pid))
                .inheritIO()
                .start();
        assertThat(k.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(k.exitValue()).isZero();
    }
}
