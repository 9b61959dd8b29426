package dev.claudebridge.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * SIGTERM with requests running and queued: the queued ones are refused, running ones finish within
 * the grace period or are ended with a message, the socket file goes, every session is logged, and the
 * daemon exits 0. A second SIGTERM ends everything at once.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class ShutdownTest {
    /** A real client run in the background, its stdin open, its output collected as it comes. */
    private static final class Caller implements AutoCloseable {
        final Process process;
        final OutputStream stdin;
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final ByteArrayOutputStream err = new ByteArrayOutputStream();
        private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
        private final Future<?> outDone;
        private final Future<?> errDone;

        Caller(Bridge bridge, String... args) throws IOException {
            process = bridge.client(bridge.dir, args).start();
            stdin = process.getOutputStream();
            outDone = threads.submit(() -> copy(process.getInputStream(), out));
            errDone = threads.submit(() -> copy(process.getErrorStream(), err));
        }

        private static Void copy(InputStream in, ByteArrayOutputStream to) throws IOException {
            byte[] buf = new byte[8192];
            for (int n; (n = in.read(buf)) >= 0; ) {
                synchronized (to) {
                    to.write(buf, 0, n);
                }
            }
            return null;
        }

        String out() {
            synchronized (out) {
                return out.toString(StandardCharsets.UTF_8);
            }
        }

        String err() {
            synchronized (err) {
                return err.toString(StandardCharsets.UTF_8);
            }
        }

        void send(String s) throws IOException {
            stdin.write(s.getBytes(StandardCharsets.UTF_8));
            stdin.flush();
        }

        void awaitOut(String text) {
            await(() -> out().contains(text), "stdout to contain " + text + " (stderr: " + err() + ")");
        }

        void awaitErr(String text) {
            await(() -> err().contains(text), "stderr to contain " + text);
        }

        int exit(Duration within) throws Exception {
            assertThat(process.waitFor(within.toMillis(), TimeUnit.MILLISECONDS))
                    .as("client exits within " + within)
                    .isTrue();
            outDone.get(10, TimeUnit.SECONDS);
            errDone.get(10, TimeUnit.SECONDS);
            return process.exitValue();
        }

        @Override
        public void close() {
            process.destroyForcibly();
            threads.shutdownNow();
        }
    }

    private static void await(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("waiting for " + what).isLessThan(deadline);
            Bridge.sleep(20);
        }
    }

    @Test
    void sigtermRefusesTheQueuedLetsTheRunningFinishAndEndsTheRestAfterTheGrace() throws Exception {
        List<Caller> callers = new ArrayList<>();
        try (Bridge bridge = Bridge.start("--max-running", "2", "--shutdown-grace", "3s")) {
            // one after the other, so which one queues is known
            Caller finishes = new Caller(bridge, "cat");
            callers.add(finishes);
            finishes.send("hello\n");
            finishes.awaitOut("hello\n");
            Caller overstays = new Caller(bridge, "cat");
            callers.add(overstays);
            overstays.send("hello\n");
            overstays.awaitOut("hello\n");
            Caller queued = new Caller(bridge, "cat");
            callers.add(queued);
            queued.awaitErr("claude-bridge: waiting for a free slot (position 1 of 1)\n");
            List<Long> tree =
                    bridge.daemon().descendants().map(ProcessHandle::pid).toList();
            assertThat(tree).hasSizeGreaterThanOrEqualTo(2);

            long signalled = System.nanoTime();
            LifecycleTest.kill("TERM", bridge.daemonPid());

            assertThat(queued.exit(Duration.ofSeconds(5))).isEqualTo(72);
            assertThat(queued.err())
                    .isEqualTo(
                            "claude-bridge: waiting for a free slot (position 1 of 1)\n"
                                    + "claude-bridge: the bridge is shutting down and did not start this request; try again when it is back\n");
            await(() -> !Files.exists(bridge.socket), "the socket file to go");
            Bridge.Result late = bridge.run("exit", "0");
            assertThat(late.status()).as("a call after SIGTERM: %s", late).isEqualTo(69);

            finishes.send("bye\n");
            finishes.stdin.close();
            assertThat(finishes.exit(Duration.ofSeconds(5))).isZero();
            assertThat(finishes.out()).isEqualTo("hello\nbye\n");
            assertThat(finishes.err()).isEmpty();

            assertThat(overstays.exit(Duration.ofSeconds(10))).isEqualTo(143);
            assertThat(Duration.ofNanos(System.nanoTime() - signalled)).isGreaterThanOrEqualTo(Duration.ofSeconds(3));
            assertThat(overstays.out()).isEqualTo("hello\n");
            assertThat(overstays.err())
                    .isEqualTo(
                            "claude-bridge: the bridge is shutting down and its grace period of 3s is over; ending claude\n");

            assertThat(bridge.daemon().waitFor(10, TimeUnit.SECONDS))
                    .as("the daemon exits")
                    .isTrue();
            assertThat(bridge.daemon().exitValue()).isZero();
            assertThat(tree.stream().filter(Proc::running).toList())
                    .as("host processes left running")
                    .isEmpty();
            String log = bridge.log();
            assertThat(log).contains("all sessions are over; stopping");
            // the three calls (Bridge's start-up probe is the fourth session, a connection_lost)
            assertThat(log.lines()
                            .filter(l -> l.contains(" outcome=") && !l.contains("outcome=connection_lost"))
                            .map(l -> l.replaceAll(".* outcome=(\\S+).*", "$1")))
                    .as("every session was logged as finished")
                    .containsExactlyInAnyOrder("exit", "signal", "shutting_down");
        } finally {
            callers.forEach(Caller::close);
        }
    }

    @Test
    void aSecondSigtermEndsEverythingAtOnce() throws Exception {
        try (Bridge bridge = Bridge.start("--shutdown-grace", "60s");
                Caller running = new Caller(bridge, "cat")) {
            running.send("hello\n");
            running.awaitOut("hello\n");

            LifecycleTest.kill("TERM", bridge.daemonPid());
            await(() -> bridge.log().contains("shutting down"), "the daemon to start shutting down");
            assertThat(running.process.isAlive())
                    .as("the running request goes on after one SIGTERM")
                    .isTrue();
            long second = System.nanoTime();
            LifecycleTest.kill("TERM", bridge.daemonPid());

            assertThat(running.exit(Duration.ofSeconds(10))).isEqualTo(143);
            assertThat(running.err()).isEqualTo("claude-bridge: the bridge was told to stop at once; ending claude\n");
            assertThat(bridge.daemon().waitFor(10, TimeUnit.SECONDS)).isTrue();
            assertThat(Duration.ofNanos(System.nanoTime() - second))
                    .as("stopped at once, not after the grace")
                    .isLessThan(Duration.ofSeconds(8));
            assertThat(bridge.daemon().exitValue()).isZero();
            assertThat(Files.exists(bridge.socket)).isFalse();
        }
    }
}
