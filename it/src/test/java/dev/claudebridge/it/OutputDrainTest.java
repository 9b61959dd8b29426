package dev.claudebridge.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Output arrives whole whatever the caller's speed, and the host process's descriptors are of the same
 * kind as the caller's where the host can have them: /dev/null and closed ones stay so; for each client
 * over each transport it speaks (TLS once: with a token).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
@ParameterizedClass
@MethodSource("dev.claudebridge.it.Transport#withEveryClientOverEachByteStream")
class OutputDrainTest {
    /** About 4.5 MiB: a slow caller needs several seconds for it, the fake claude writes it in a blink and exits. */
    private static final int LINES = 600_000;

    private static final TransportBridges BRIDGES = new TransportBridges(Transport::startWithFakeClaude);
    private static Bridge bridge;

    @Parameter(0)
    Client client;

    @Parameter(1)
    Transport transport;

    @BeforeEach
    void start() {
        bridge = BRIDGES.over(transport);
    }

    @AfterAll
    static void stop() {
        BRIDGES.close();
    }

    @ParameterizedTest
    @EnumSource(CallerRun.Stdin.class)
    void aSlowCallerGetsEveryByteOfAProcessThatWroteItAllAndExited(CallerRun.Stdin stdin) {
        Assumptions.assumeTrue(transport.carriesTheHeavyCases(), "moves bytes as another transport does: skipped");
        byte[] expected = CallerRun.seq(LINES);
        for (int run = 0; run < 2; run++) {
            Bridge.Result r = CallerRun.run(
                    bridge.client(client, bridge.dir, "seq", Integer.toString(LINES)),
                    stdin,
                    CallerRun.Reader.SLOW,
                    90);

            assertThat(r.status()).as("run %d: %s", run, r.stderr()).isZero();
            assertThat(r.stdout().length).as("run %d: bytes received", run).isEqualTo(expected.length);
            assertThat(r.stdout()).as("run %d", run).isEqualTo(expected);
        }
    }

    @Test
    void aFastCallerGetsEveryByteToo() {
        Assumptions.assumeTrue(transport.carriesTheHeavyCases(), "moves bytes as another transport does: skipped");
        byte[] expected = CallerRun.seq(LINES);
        Bridge.Result r = CallerRun.run(
                bridge.client(client, bridge.dir, "seq", Integer.toString(LINES)),
                CallerRun.Stdin.DEV_NULL,
                CallerRun.Reader.FAST,
                90);

        assertThat(r.stdout()).isEqualTo(expected);
    }

    @Test
    void devNullAndPipesReachTheHostProcessAsTheyAre() throws Exception {
        assertThat(hostDescriptors("</dev/null")).containsExactly("0 /dev/null", "1 pipe", "2 pipe");
        assertThat(hostDescriptors("</dev/null >/dev/null 2>/dev/null"))
                .containsExactly("0 /dev/null", "1 /dev/null", "2 /dev/null");
        assertThat(hostDescriptors("<&- 2>&-")).containsExactly("0 closed", "1 pipe", "2 closed");
        assertThat(hostDescriptors("</dev/null >&-")).containsExactly("0 /dev/null", "1 closed", "2 pipe");
        assertThat(hostDescriptors("< /etc/hostname"))
                .as("a file is not reproduced: a pipe")
                .containsExactly("0 pipe", "1 pipe", "2 pipe");
    }

    @Test
    void aClosedStdinIsClosedForTheHostProcessAsForALocalOne() throws Exception {
        // the client's JVM reuses a closed fd 0 for its modules file: none of it may become the host's input
        Path out = bridge.dir.resolve("cat-out");
        Process p = bridge.client(client, bridge.dir)
                .command(
                        "sh",
                        "-c",
                        "exec \"$0\" cat <&- > " + out,
                        client.executable().toString())
                .redirectErrorStream(true)
                .start();
        String bridged = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        Process local = new ProcessBuilder("sh", "-c", "exec cat <&- > /dev/null")
                .redirectErrorStream(true)
                .start();
        String direct = new String(local.getInputStream().readAllBytes());
        assertThat(local.waitFor(60, TimeUnit.SECONDS)).isTrue();

        assertThat(Files.size(out)).as("bytes the host's cat received").isZero();
        assertThat(p.exitValue()).as(bridged).isEqualTo(local.exitValue()).isNotZero();
        assertThat(bridged).isEqualTo(direct).contains("Bad file descriptor");
    }

    /** The kinds of the host process's descriptors 0, 1 and 2 when the client runs with these redirections. */
    private List<String> hostDescriptors(String redirections) throws Exception {
        Path report = bridge.dir.resolve("stdio-" + System.nanoTime());
        Process p = bridge.client(client, bridge.dir)
                .command(
                        "sh",
                        "-c",
                        "exec \"$0\" stdio " + report + " " + redirections,
                        client.executable().toString())
                .redirectErrorStream(true)
                .start();
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(new String(out)).isZero();
        return Files.readAllLines(report).stream()
                .map(l -> l.replaceAll("pipe:\\[\\d+\\]", "pipe"))
                .toList();
    }
}
