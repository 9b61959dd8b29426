package dev.claudebridge.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.claudebridge.protocol.Frame;
import dev.claudebridge.protocol.FrameType;
import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * 400 handshakes, each announcing a REQUEST of 1 MiB (the protocol's largest), against a daemon with a
 * 128 MiB heap: the daemon does not run out of memory, a well-behaved caller in its own PID namespace
 * is still served, and every request that got a start record gets its end record.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class HandshakeMemoryTest {
    private static final int HANDSHAKES = 400;
    private static final Map<String, String> SMALL_HEAP = Map.of("CLAUDE_BRIDGE_JAVA_OPTS", "-Xmx128m");

    @BeforeEach
    void needsRoot() {
        Containers.assumeRoot();
    }

    @Test
    void announcedMegabytesThatNeverComeCostNothing() throws Exception {
        java.nio.file.Path dir = Bridge.tempDir();
        try (Bridge bridge = Bridge.start(
                dir,
                SMALL_HEAP,
                Bridge.withClaude(
                        Bridge.fakeClaude(dir),
                        "--rate",
                        "0",
                        "--client-max-connections",
                        "512",
                        "--handshake-timeout",
                        "60s"))) {
            flood(bridge, 0);
        }
    }

    @Test
    void halfAMegabyteSentOnEachOf400HandshakesStaysWithinTheBudget() throws Exception {
        java.nio.file.Path dir = Bridge.tempDir();
        try (Bridge bridge = Bridge.start(
                dir,
                SMALL_HEAP,
                Bridge.withClaude(
                        Bridge.fakeClaude(dir),
                        "--rate",
                        "0",
                        "--client-max-connections",
                        "512",
                        "--handshake-timeout",
                        "60s"))) {
            flood(bridge, 512 * 1024);
        }
    }

    @Test
    void withTheDefaultCapsOneCallerGetsNowhereNearTheBudget() throws Exception {
        java.nio.file.Path dir = Bridge.tempDir();
        try (Bridge bridge = Bridge.start(dir, SMALL_HEAP, Bridge.withClaude(Bridge.fakeClaude(dir), "--rate", "0"))) {
            flood(bridge, 512 * 1024);
        }
    }

    /** Opens the handshakes, sends {@code payloadBytes} of each REQUEST, then runs a quiet caller meanwhile. */
    private static void flood(Bridge bridge, int payloadBytes) throws Exception {
        byte[] hello = RawCall.hello();
        byte[] start = RawCall.concat(hello, RawCall.header(FrameType.REQUEST.code(), Frame.MAX_PAYLOAD));
        List<SocketChannel> open = new ArrayList<>();
        try {
            for (int i = 0; i < HANDSHAKES; i++) {
                SocketChannel ch = SocketChannel.open(UnixDomainSocketAddress.of(bridge.socket));
                ch.configureBlocking(false);
                open.add(ch);
                ch.write(ByteBuffer.wrap(start));
            }
            // the payloads, as far as the daemon takes them (a refused handshake stops reading)
            ByteBuffer chunk = ByteBuffer.allocate(64 * 1024);
            for (SocketChannel ch : open) {
                int sent = 0;
                long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(200);
                while (sent < payloadBytes && System.nanoTime() < deadline) {
                    chunk.clear().limit(Math.min(chunk.capacity(), payloadBytes - sent));
                    int n;
                    try {
                        n = ch.write(chunk);
                    } catch (IOException e) {
                        break; // refused and closed
                    }
                    sent += n;
                    if (n == 0) {
                        Thread.onSpinWait();
                    }
                }
            }
            Bridge.Result quiet =
                    Bridge.run(Containers.inPidNamespace(bridge, bridge.dir, "quiet", "streams"), new byte[0]);
            assertThat(quiet.status())
                    .as("the quiet caller: %s\n%s", quiet, tail(bridge.log()))
                    .isZero();
            assertThat(quiet.out()).isEqualTo("out-1\nout-2\nout-3\n");
        } finally {
            for (SocketChannel ch : open) {
                ch.close();
            }
        }
        assertThat(bridge.daemon().isAlive()).isTrue();
        assertThat(bridge.log()).doesNotContain("OutOfMemoryError");
        AuditLines audit = new AuditLines(bridge.auditLog());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        List<String> missing;
        do {
            List<String> ended =
                    audit.ends().stream().map(n -> n.path("id").asText()).toList();
            missing = audit.all().stream()
                    .filter(n -> n.path("event").asText().equals("start"))
                    .map(n -> n.path("id").asText())
                    .filter(id -> !ended.contains(id))
                    .toList();
            Bridge.sleep(100);
        } while (!missing.isEmpty() && System.nanoTime() < deadline);
        assertThat(missing).as("requests started and never ended").isEmpty();
        Bridge.Result after =
                Bridge.run(Containers.inPidNamespace(bridge, bridge.dir, "after", "exit", "0"), new byte[0]);
        assertThat(after.status()).as("a call after the flood: %s", after).isZero();
    }

    private static String tail(String log) {
        return log.length() <= 4000 ? log : log.substring(log.length() - 4000);
    }
}
