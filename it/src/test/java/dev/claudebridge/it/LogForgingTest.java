package dev.claudebridge.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Values a caller chooses (client name, working directory, arguments) reach the daemon's log as one
 * line each, their control characters escaped: a caller cannot forge a log line.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LogForgingTest {
    private static final String FORGED = "2026-01-01T00:00:00.000Z INFO  request - id=forged outcome=exit";

    @Test
    void aClientNameWithNewlinesStaysOnItsLine() {
        try (Bridge bridge = Bridge.start("--rate", "0")) {
            ProcessBuilder pb = bridge.client(bridge.dir, "exit", "0");
            pb.environment().put("CLAUDE_BRIDGE_CLIENT_NAME", "evil\n" + FORGED + "\r\u001b[2K\u2028x");
            assertThat(Bridge.run(pb, new byte[0]).status()).isZero();
            assertOneLine(bridge, "client=evil\\n" + FORGED + "\\r\\x{1b}[2K\\x{2028}x");
        }
    }

    @Test
    void aWorkingDirectoryWithANewlineStaysOnItsLine() throws Exception {
        Path dir = Bridge.tempDir();
        Path odd = Files.createDirectory(dir.resolve("a\n" + FORGED));
        try (Bridge bridge = Bridge.start(
                dir, java.util.Map.of(), Bridge.withClaude(Bridge.fakeClaude(dir), "--map", "/w=" + dir))) {
            // a directory whose name holds a newline and a whole log line, under the mapping
            RawCall.Answer a = RawCall.send(
                    bridge.socket,
                    false,
                    RawCall.concat(
                            RawCall.hello(),
                            RawCall.request(new dev.claudebridge.protocol.Request(
                                    List.of("cwd"),
                                    java.util.Map.of(),
                                    "/w/" + odd.getFileName(),
                                    java.util.Optional.empty(),
                                    "odd-cwd"))));
            assertThat(a.status()).as(a.text()).isZero();
            assertOneLine(bridge, "cwd=/w/a\\n" + FORGED);
        }
    }

    @Test
    void argumentsWithNewlinesInARefusalStayOnTheirLine() {
        try (Bridge bridge = Bridge.start("--rate", "0")) {
            Bridge.Result r = bridge.run("--dangerously-skip-permissions\n" + FORGED, "-p", "x");
            assertThat(r.status()).as(r.toString()).isNotZero();
            assertThat(bridge.log().lines().filter(l -> l.startsWith(FORGED)))
                    .as("forged lines in:\n%s", bridge.log())
                    .isEmpty();
        }
    }

    private static void assertOneLine(Bridge bridge, String expected) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!bridge.log().contains(expected) && System.nanoTime() < deadline) {
            Bridge.sleep(50);
        }
        assertThat(bridge.log()).as("the escaped value on the request's line").contains(expected);
        assertThat(bridge.log().lines().filter(l -> l.startsWith(FORGED)))
                .as("forged lines")
                .isEmpty();
    }
}
