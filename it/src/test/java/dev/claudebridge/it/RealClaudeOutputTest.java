package dev.claudebridge.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The real Claude Code CLI's long answers arrive whole through the bridge, byte for byte, whatever the
 * caller's stdin (/dev/null, an empty pipe, a pipe with data) and however fast it reads. The pinned CLI
 * drops the tail of its output when it exits with writes pending on a full pipe, so the bridge must
 * neither hand it a pipe for the caller's /dev/null nor let its output pipe fill for a slow caller; and
 * when the caller's stdout is a regular file ({@code >out.txt}), the CLI must get a regular file too,
 * which it writes synchronously (at 16 MiB the pinned CLI loses output into any pipe, run directly too).
 *
 * <p>Runs each combination {@code -Doutput.runs} times (default 1, to keep CI short; measurements by
 * hand use 20, and {@code -Doutput.only="claude.real 16777216 DEV_NULL FILE"} picks combinations), against the pinned CLI ({@code -Dclaude.real}) and the newest ({@code -Dclaude.latest}).
 */
class RealClaudeOutputTest {
    private static final int RUNS = Integer.getInteger("output.runs", 1);
    private static final int MIB = 1024 * 1024;
    /** For measurements by hand: only the combinations whose "cli bytes stdin reader" contains this. */
    private static final String ONLY = System.getProperty("output.only", "");
    /** One host per CLI for the whole class: each combination replaces its stand-in's script. */
    private static final Map<String, RealClaudeHost> HOSTS = new java.util.concurrent.ConcurrentHashMap<>();

    @AfterAll
    static void stop() {
        HOSTS.values().forEach(RealClaudeHost::close);
    }

    static Stream<Arguments> combinations() {
        List<Arguments> out = new ArrayList<>();
        for (String cli : List.of("claude.real", "claude.latest")) {
            for (CallerRun.Stdin stdin : CallerRun.Stdin.values()) {
                for (CallerRun.Reader reader : List.of(CallerRun.Reader.FAST, CallerRun.Reader.SLOW)) {
                    out.add(Arguments.of(cli, MIB, stdin, reader));
                }
            }
            // claude -p ... </dev/null >out.txt, and the same answer into a pipe for comparison
            for (CallerRun.Reader reader : CallerRun.Reader.values()) {
                if (!losesOnAPipeItself(cli, 16 * MIB, reader)
                        || !ONLY.isEmpty()) { // measured by hand only, never asserted
                    out.add(Arguments.of(cli, 16 * MIB, CallerRun.Stdin.DEV_NULL, reader));
                }
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} {1} bytes, stdin {2}, {3} reader")
    @MethodSource("combinations")
    void aLongAnswerArrivesWhole(String cliProperty, int size, CallerRun.Stdin stdin, CallerRun.Reader reader)
            throws Exception {
        RealClaudeHost.Setup setup = RealClaudeHost.with(cliProperty);
        String combination = cliProperty + " " + size + " " + stdin + " " + reader;
        Assumptions.assumeTrue(combination.contains(ONLY), "not " + ONLY + " (-Doutput.only): skipped");
        String answer = answer(size);
        byte[] expected = (answer + "\n").getBytes(StandardCharsets.UTF_8);
        RealClaudeHost host = HOSTS.computeIfAbsent(cliProperty, p -> setup.start());
        int shortRuns = 0;
        List<String> failures = new ArrayList<>();
        for (int run = 1; run <= RUNS; run++) {
            host.awaitQuiet();
            host.api.script(MessagesStandIn.Turn.text(answer));
            Bridge.Result r =
                    CallerRun.run(host.bridge.client(host.project, "-p", "write the long answer"), stdin, reader, 240);
            if (r.status() != 0 || !java.util.Arrays.equals(r.stdout(), expected)) {
                shortRuns++;
                failures.add("run " + run + ": status " + r.status() + ", " + r.stdout().length + " of "
                        + expected.length + " bytes, stderr " + r.stderr());
            }
        }
        System.out.printf(
                "%s %d bytes stdin %s %s reader: %d of %d runs short%n",
                cliProperty, size, stdin, reader, shortRuns, RUNS);
        if (losesOnAPipeItself(cliProperty, size, reader)) {
            // run directly into a pipe, the pinned CLI loses 16 MiB answers too: measured, not asserted
            return;
        }
        assertThat(failures)
                .as("short outputs (daemon log:%n%s)", host.bridge.log())
                .isEmpty();
    }

    /**
     * Whether this CLI loses output into this kind of stdout when run directly, without the bridge: the
     * pinned one writes to a pipe asynchronously and, with a 16 MiB answer, exits before the last writes
     * are done (a regular file is written synchronously and stays whole).
     */
    private static boolean losesOnAPipeItself(String cliProperty, int size, CallerRun.Reader reader) {
        return cliProperty.equals("claude.real") && size > MIB && reader != CallerRun.Reader.FILE;
    }

    /** Numbered lines, so a short output shows where it ends. */
    static String answer(int size) {
        StringBuilder b = new StringBuilder(size);
        for (int i = 0; b.length() < size; i++) {
            b.append(String.format(
                    "line %08d of the long answer, padded to make it longer: abcdefghijklmnopqrstuvwxyz%n", i));
        }
        b.setLength(size - 1);
        return b.append('.').toString();
    }
}
