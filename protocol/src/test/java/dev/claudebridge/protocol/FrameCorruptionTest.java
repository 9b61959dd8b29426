package dev.claudebridge.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Broken framing: unknown types, cut streams, and that a bad payload does not break the frames after it. */
class FrameCorruptionTest {

    @Test
    void everyByteThatIsNoFrameTypeIsRefused() throws IOException {
        Set<Integer> known =
                EnumSet.allOf(FrameType.class).stream().map(FrameType::code).collect(Collectors.toSet());
        for (int code = 0; code < 256; code++) {
            byte[] wire = Bytes.header(code, 0);
            if (known.contains(code)) {
                assertThat(new FrameReader(ChoppyInputStream.whole(wire)).read())
                        .as("code 0x%02x", code)
                        .isPresent();
            } else {
                int c = code;
                assertThatThrownBy(() -> new FrameReader(ChoppyInputStream.whole(wire)).read())
                        .as("code 0x%02x", code)
                        .isInstanceOf(CorruptedFrameException.class)
                        .hasMessageContaining(String.format("0x%02x", c));
            }
        }
        assertThat(known).hasSize(FrameType.values().length);
    }

    @Test
    void somethingThatIsNotTheProtocolIsRefusedAtTheFirstHeader() {
        byte[] http = "GET / HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

        assertThatThrownBy(() -> new FrameReader(ChoppyInputStream.whole(http)).read())
                .isInstanceOf(CorruptedFrameException.class);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 4})
    void streamCutInsideAHeader(int kept) {
        byte[] wire = Arrays.copyOf(Bytes.encode(new Frame(FrameType.STDOUT, new byte[3])), kept);

        assertThatThrownBy(() -> new FrameReader(ChoppyInputStream.whole(wire)).read())
                .isInstanceOf(CorruptedFrameException.class)
                .hasMessageContaining("header");
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 9})
    void streamCutInsideAPayload(int payloadBytesKept) {
        byte[] wire = Arrays.copyOf(
                Bytes.encode(new Frame(FrameType.STDIN, new byte[10])), Frame.HEADER_LENGTH + payloadBytesKept);

        assertThatThrownBy(() -> new FrameReader(ChoppyInputStream.whole(wire)).read())
                .isInstanceOf(CorruptedFrameException.class)
                .hasMessageContaining("STDIN payload");
    }

    @Test
    void streamCutAfterWholeFramesEndsCleanly() throws IOException {
        FrameReader reader = new FrameReader(ChoppyInputStream.whole(
                Bytes.encode(Frame.empty(FrameType.STARTED), Exit.code(0).toFrame())));

        assertThat(reader.read()).contains(Frame.empty(FrameType.STARTED));
        assertThat(reader.read()).contains(Exit.code(0).toFrame());
        assertThat(reader.read()).isEmpty();
        assertThat(reader.read()).as("asking again after the end").isEmpty();
    }

    @Test
    void aRequestThatFailsToDecodeLeavesTheFramesAfterItReadable() throws IOException {
        Frame bad = new Frame(
                FrameType.REQUEST,
                Bytes.concat(
                        RequestPayloads.field(Request.ARG, new byte[] {(byte) 0xff}),
                        RequestPayloads.field(Request.CWD, "/w".getBytes(StandardCharsets.UTF_8))));
        Request good = new Request(List.of("-p", "hi"), Map.of(), "/workspace", Optional.empty(), "agent");
        Frame stdin = new Frame(FrameType.STDIN, new byte[] {0, 1, 2});
        FrameReader reader = new FrameReader(ChoppyInputStream.whole(Bytes.encode(bad, good.toFrame(), stdin)));

        Frame first = reader.read().orElseThrow();
        assertThatThrownBy(() -> Request.fromFrame(first)).isInstanceOf(CorruptedFrameException.class);
        assertThat(Request.fromFrame(reader.read().orElseThrow())).isEqualTo(good);
        assertThat(reader.read()).contains(stdin);
        assertThat(reader.read()).isEmpty();
    }
}
