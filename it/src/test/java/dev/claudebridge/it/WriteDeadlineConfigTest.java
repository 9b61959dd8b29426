package dev.claudebridge.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.claudebridge.protocol.FrameWriter;
import dev.claudebridge.protocol.Hello;
import dev.claudebridge.protocol.Request;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The configuration file's {@code limits.write-deadline} is the deadline a caller that stops reading meets. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class WriteDeadlineConfigTest {
    @Test
    void aCallerThatStopsReadingIsCutOffAtTheFilesWriteDeadline() throws Exception {
        Path dir = Bridge.tempDir();
        Path config = Bridge.writeConfig(dir, "config.yaml", """
                limits: { write-deadline: 2s }
                audit: { path: %s }
                """.formatted(dir.resolve("audit.log")));
        try (Bridge bridge = Bridge.start(
                        dir,
                        Map.of(),
                        Bridge.withClaude(
                                Bridge.fakeClaude(dir), "--config", config.toString(), "--admin-listen", "off"));
                SocketChannel ch = SocketChannel.open(UnixDomainSocketAddress.of(bridge.socket))) {
            FrameWriter w = new FrameWriter(Channels.newOutputStream(ch));
            w.write(new Hello(Hello.VERSION, "non-reader").toFrame());
            // far more than the socket, the pipe and the daemon's queue hold; never read
            w.write(new Request(
                            List.of("write", Long.toString(256L << 20)), Map.of(), "/", Optional.empty(), "non-reader")
                    .toFrame());

            JsonNode end = endOf(new AuditLines(bridge.auditLog()), "non-reader");
            assertThat(end.path("outcome").asText()).isEqualTo("connection_lost");
            assertThat(end.path("detail").asText()).contains("stopped reading").contains("write deadline of 2s");
            assertThat(bridge.log()).contains("write-deadline 2s");
        }
    }

    /** The end record, waiting up to a minute: the caller is cut off a few seconds after its deadline, later on a busy machine. */
    private static JsonNode endOf(AuditLines audit, String client) {
        for (int attempt = 1; ; attempt++) {
            try {
                return audit.endOf(client); // waits 10 s
            } catch (AssertionError e) {
                if (attempt == 6) {
                    throw e;
                }
            }
        }
    }
}
