package dev.claudebridge.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Interactive use: the client in a real terminal (tmux) gets a real PTY on the host. The fake program
 * checks what a user would: it is on a tty, of the right size and type; echo-off input works; Ctrl-C
 * interrupts; resizing signals it; and the caller's terminal is left exactly as it was. For each client,
 * over the socket and over TLS: the terminal is the client's, only its bytes travel.
 */
@ParameterizedClass
@MethodSource("overTheSocketAndTls")
class TerminalTest {
    private static final TransportBridges BRIDGES = new TransportBridges(TerminalTest::start);
    private static Bridge bridge;

    @Parameter(0)
    Client client;

    @Parameter(1)
    Transport transport;

    private Tmux tmux;

    /** Every client over the socket, and over TLS with a token: the other transports carry a PTY's bytes the same way. */
    static Stream<Arguments> overTheSocketAndTls() {
        return Transport.withEveryClient()
                .filter(a -> a.get()[1] == Transport.UNIX || a.get()[1] == Transport.TLS_TOKEN);
    }

    private static Bridge start(Transport transport) {
        try {
            Path dir = Bridge.tempDir();
            Path fake = dir.resolve("fake-tty");
            try (var in = TerminalTest.class.getResourceAsStream("/fake-tty.sh")) {
                Files.write(fake, in.readAllBytes());
            }
            Files.setPosixFilePermissions(fake, PosixFilePermissions.fromString("rwxr-xr-x"));
            return transport.start(dir, fake);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @AfterAll
    static void stop() {
        BRIDGES.close();
    }

    @BeforeEach
    void terminal() {
        Assumptions.assumeTrue(Tmux.available(), "tmux is not installed (./build.sh test installs it): skipped");
        bridge = BRIDGES.over(transport);
        tmux = Tmux.forClient(bridge, 100, 30);
    }

    @AfterEach
    void close() {
        tmux.close();
    }

    private String claude(String args) {
        return client.executable() + " " + args;
    }

    @Test
    void theHostProcessGetsATerminalOfTheCallersSizeAndType() {
        tmux.line("echo local $TERM; " + claude("info") + "; echo status=$?");
        String screen = tmux.awaitPattern("status=\\d", 30);
        String localTerm = screen.replaceAll("(?s).*\nlocal (\\S+)\n.*", "$1");
        assertThat(screen)
                .containsPattern("/dev/pts/\\d+")
                .contains("30 100")
                .contains("TERM=" + localTerm)
                .contains("status=0");
    }

    @Test
    void anEchoOffPasswordPromptWorks() {
        tmux.line(claude("pw"));
        tmux.awaitPattern("(?m)^password:", 30);
        tmux.line("s3cret");
        String screen = tmux.awaitText("got [", 10);
        assertThat(screen).contains("got [s3cret]");
        // echo was off while it was typed: the secret appears only in the program's own reply
        assertThat(screen.split("s3cret", -1)).hasSize(2);
    }

    @Test
    void ctrlCInterruptsThroughTheLineDiscipline() {
        tmux.line(claude("intr") + "; echo status=$?");
        tmux.awaitPattern("(?m)^waiting", 30);
        tmux.keys("C-c");
        String screen = tmux.awaitPattern("status=\\d", 10);
        assertThat(screen).contains("got-INT").contains("status=42");
    }

    @Test
    void resizingTheWindowReachesTheProgram() {
        tmux.line(claude("winch"));
        tmux.awaitText("size 30 100", 30);
        tmux.resize(120, 40);
        String screen = tmux.awaitText("size 40 120", 10);
        assertThat(screen).contains("size 40 120");
        tmux.keys("C-c");
    }

    @Test
    void theCallersTerminalModeIsRestoredAfterwards() {
        tmux.line("stty -g > " + bridge.dir.resolve("before-" + hashCode()));
        tmux.line(claude("exit 3") + "; echo status=$?; stty -g > " + bridge.dir.resolve("after-" + hashCode()));
        tmux.awaitText("status=3", 30);
        Path before = bridge.dir.resolve("before-" + hashCode());
        Path after = bridge.dir.resolve("after-" + hashCode());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        // the shell creates the file before stty writes it: wait for its line
        while (read(after).isEmpty() && System.nanoTime() < deadline) {
            Bridge.sleep(50);
        }
        assertThat(read(after)).isEqualTo(read(before)).isNotBlank();
    }

    @Test
    void killingAnInteractiveClientEndsTheHostTreeWithinTwoSeconds() throws Exception {
        Path pids = bridge.dir.resolve("tty-tree-" + System.nanoTime());
        tmux.line(claude("tree " + pids) + " & echo client=$!");
        String screen = tmux.awaitPattern("client=\\d", 30);
        long client = Long.parseLong(screen.replaceAll("(?s).*client=(\\d+).*", "$1"));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!Files.exists(pids) && System.nanoTime() < deadline) {
            Bridge.sleep(50);
        }
        long[] tree = Arrays.stream(Files.readString(pids).trim().split(" "))
                .mapToLong(Long::parseLong)
                .toArray();
        ProcessHandle.of(client).orElseThrow().destroyForcibly();
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        while (System.nanoTime() < end && Arrays.stream(tree).anyMatch(Proc::running)) {
            Bridge.sleep(20);
        }
        assertThat(Arrays.stream(tree).filter(Proc::running).boxed().toList())
                .as("host processes still running")
                .isEmpty();
    }

    private static String read(Path p) {
        try {
            return Files.readString(p).trim();
        } catch (java.io.IOException e) {
            return "";
        }
    }
}
