package dev.claudebridge.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Every frame type through FrameWriter, bytes, FrameReader. */
class FrameRoundTripTest {

    @ParameterizedTest
    @EnumSource(FrameType.class)
    void everyTypeRoundTripsWithAndWithoutPayload(FrameType type) throws IOException {
        Frame empty = Frame.empty(type);
        Frame full = new Frame(type, "payload of ".concat(type.name()).getBytes(StandardCharsets.UTF_8));
        byte[] wire = Bytes.encode(empty, full);

        assertThat(wire).hasSize(2 * Frame.HEADER_LENGTH + full.payload().length);
        assertThat(wire[0] & 0xff).isEqualTo(type.code());
        FrameReader reader = new FrameReader(ChoppyInputStream.whole(wire));
        assertThat(reader.read()).contains(empty);
        assertThat(reader.read()).contains(full);
        assertThat(reader.read()).isEmpty();
    }

    @Test
    void headerIsTypeThenBigEndianLength() throws IOException {
        byte[] payload = new byte[0x0102];
        byte[] wire = Bytes.encode(new Frame(FrameType.STDOUT, payload));

        assertThat(java.util.Arrays.copyOf(wire, Frame.HEADER_LENGTH)).containsExactly(0x10, 0x00, 0x00, 0x01, 0x02);
    }

    @Test
    void writerSendsOnlyTheGivenSliceOfAnArray() throws IOException {
        byte[] buffer = "xxhello worldyy".getBytes(StandardCharsets.US_ASCII);
        ByteArrayOutputStream out = new ByteArrayOutputStream();

        new FrameWriter(out).write(FrameType.STDERR, buffer, 2, 11);

        Optional<Frame> read = new FrameReader(ChoppyInputStream.whole(out.toByteArray())).read();
        assertThat(read).contains(new Frame(FrameType.STDERR, "hello world".getBytes(StandardCharsets.US_ASCII)));
    }

    @Test
    void emptyStreamIsACleanEnd() throws IOException {
        assertThat(new FrameReader(ChoppyInputStream.whole(new byte[0])).read()).isEmpty();
    }

    @Test
    void frameEqualityIsByTypeAndContent() {
        assertThat(new Frame(FrameType.STDIN, new byte[] {1, 2}))
                .isEqualTo(new Frame(FrameType.STDIN, new byte[] {1, 2}))
                .hasSameHashCodeAs(new Frame(FrameType.STDIN, new byte[] {1, 2}))
                .isNotEqualTo(new Frame(FrameType.STDOUT, new byte[] {1, 2}))
                .isNotEqualTo(new Frame(FrameType.STDIN, new byte[] {1, 3}));
    }
}
