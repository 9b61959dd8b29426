package dev.claudebridge.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.claudebridge.protocol.FrameWriter;
import dev.claudebridge.protocol.Hello;
import dev.claudebridge.protocol.Request;
import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A caller that stops reading does not keep its slot: past the write deadline it counts as gone, and
 * once a limit has ended its process it has only a few seconds to take the rest. A second caller
 * waiting for the only slot gets it, and the audit's end record says why the first one ended.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SlotRecoveryTest {
    /** Far more than the socket, the pipe and the daemon's output buffer hold together. */
    private static final String FLOOD = Long.toString(256L << 20);

    /** Connects, asks for a flood of output, and never reads a byte. */
    private static SocketChannel nonReader(Bridge bridge, String name) throws IOException {
        SocketChannel ch = SocketChannel.open(UnixDomainSocketAddress.of(bridge.socket));
        FrameWriter w = new FrameWriter(Channels.newOutputStream(ch));
        w.write(new Hello(Hello.VERSION, "non-reader").toFrame());
        w.write(new Request(List.of("write", FLOOD), Map.of(), "/", Optional.empty(), name).toFrame());
        return ch;
    }

    /** Whether the non-reader's {@code write FLOOD} runs under the daemon. */
    private static boolean flooding(Bridge bridge) {
        return bridge.children().stream()
                .flatMap(pid -> ProcessHandle.of(pid).stream())
                .flatMap(h -> java.util.stream.Stream.concat(java.util.stream.Stream.of(h), h.descendants()))
                .anyMatch(h -> cmdline(h.pid()).contains(FLOOD));
    }

    private static String cmdline(long pid) {
        try {
            return new String(
                    java.nio.file.Files.readAllBytes(java.nio.file.Path.of("/proc", Long.toString(pid), "cmdline")),
                    java.nio.charset.StandardCharsets.UTF_8);
        } catch (IOException e) {
            return ""; // gone
        }
    }

    /** How long a second caller waits for the only slot while the non-reader holds it. */
    private static Duration secondCallerWait(Bridge bridge) throws IOException {
        try (SocketChannel ignored = nonReader(bridge, "non-reader")) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (!flooding(bridge) && System.nanoTime() < deadline) {
                Bridge.sleep(20); // the non-reader's process runs: the slot is taken
            }
            // its own process, not any child: the daemon's probe of claude at start is one too, and brief
            assertThat(flooding(bridge)).as("the non-reader's process runs").isTrue();
            long start = System.nanoTime();
            LoadClient second = LoadClient.call(bridge.socket, "second", "exit", "7");
            LoadClient.Outcome o = second.finish();
            assertThat(o.exit()).as("the second caller ran: %s", o).isPresent();
            assertThat(o.exit().get().value()).isEqualTo(7);
            Duration waited = Duration.ofNanos(System.nanoTime() - start);
            // the slot may come back when the process ends, before the non-reader's few seconds to take the
            // rest are up: its connection stays open until the daemon has cut it off, so its end record says why
            new AuditLines(bridge.auditLog()).endOf("non-reader");
            return waited;
        }
    }

    @Test
    void aCallerThatStopsReadingIsCutOffAtTheWriteDeadlineAndItsSlotFreed() throws Exception {
        java.nio.file.Path dir = Bridge.tempDir();
        try (Bridge bridge = Bridge.start(
                dir,
                Map.of(),
                Bridge.withClaude(
                        Bridge.fakeClaude(dir),
                        "--max-running",
                        "1",
                        "--queue-timeout",
                        "90s",
                        "--write-deadline",
                        "2s"))) {
            Duration waited = secondCallerWait(bridge);

            assertThat(waited).as("the second caller's wait for the slot").isLessThan(Duration.ofSeconds(30));
            JsonNode end = new AuditLines(bridge.auditLog()).endOf("non-reader");
            assertThat(end.path("outcome").asText()).isEqualTo("connection_lost");
            assertThat(end.path("detail").asText()).contains("stopped reading").contains("write deadline of 2s");
        }
    }

    @Test
    void afterTheMaxRuntimeEndsItsProcessANonReadingCallersSlotComesBackWithinSeconds() throws Exception {
        try (Bridge bridge = Bridge.start("--max-running", "1", "--max-runtime", "2s", "--queue-timeout", "90s")) {
            Duration waited = secondCallerWait(bridge);

            // 2 s of runtime, then a few seconds for the caller to take the rest; the default write deadline is a
            // minute
            assertThat(waited).as("the second caller's wait for the slot").isLessThan(Duration.ofSeconds(30));
            JsonNode end = new AuditLines(bridge.auditLog()).endOf("non-reader");
            assertThat(end.path("detail").asText()).contains("stopped reading");
        }
    }

    @Test
    void afterTheIdleTimeoutEndsItsProcessANonReadingCallersSlotComesBackWithinSeconds() throws Exception {
        try (Bridge bridge = Bridge.start("--max-running", "1", "--idle-timeout", "2s", "--queue-timeout", "90s")) {
            Duration waited = secondCallerWait(bridge);

            assertThat(waited).as("the second caller's wait for the slot").isLessThan(Duration.ofSeconds(30));
        }
    }
}
