package dev.claudebridge.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Every type's payload limit: the exact limit passes, one byte more is refused on both sides. */
class FrameLimitsTest {

    @Test
    void limitsAreThoseOfTheSpecification() {
        for (FrameType t : FrameType.values()) {
            int expected;
            switch (t) {
                case STDIN:
                case STDOUT:
                case STDERR:
                    expected = 64 * 1024;
                    break;
                case REQUEST:
                case ERROR:
                    expected = 1024 * 1024;
                    break;
                default:
                    expected = 4096;
            }
            assertThat(Frame.maxPayload(t)).as(t.name()).isEqualTo(expected);
        }
    }

    @ParameterizedTest
    @EnumSource(FrameType.class)
    void payloadOfExactlyTheLimitRoundTrips(FrameType type) throws IOException {
        byte[] payload = new byte[Frame.maxPayload(type)];
        payload[payload.length - 1] = 42;
        Frame frame = new Frame(type, payload);

        FrameReader reader = new FrameReader(ChoppyInputStream.whole(Bytes.encode(frame)));

        assertThat(reader.read()).contains(frame);
        assertThat(reader.read()).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(FrameType.class)
    void headerAnnouncingMoreThanTheLimitIsRefusedBeforeThePayloadIsRead(FrameType type) {
        long announced = Frame.maxPayload(type) + 1L;
        ChoppyInputStream in =
                ChoppyInputStream.whole(Bytes.concat(Bytes.header(type.code(), announced), new byte[(int) announced]));

        assertThatThrownBy(() -> new FrameReader(in).read())
                .isInstanceOf(TooLongFrameException.class)
                .hasMessageContaining(Long.toString(announced));
        assertThat(in.consumed()).as("bytes consumed: the header only").isEqualTo(Frame.HEADER_LENGTH);
    }

    @ParameterizedTest
    @EnumSource(FrameType.class)
    void hugeAnnouncedLengthAllocatesNothing(FrameType type) {
        // 4 GiB - 1: a reader that trusted it would fail with OutOfMemoryError or a negative array size
        ChoppyInputStream in = ChoppyInputStream.whole(Bytes.header(type.code(), 0xffff_ffffL));

        assertThatThrownBy(() -> new FrameReader(in).read()).isInstanceOf(TooLongFrameException.class);
        assertThat(in.consumed()).isEqualTo(Frame.HEADER_LENGTH);
    }

    @ParameterizedTest
    @EnumSource(FrameType.class)
    void writerRefusesAnOversizePayloadAndWritesNothing(FrameType type) {
        int tooLong = Frame.maxPayload(type) + 1;
        ByteArrayOutputStream out = new ByteArrayOutputStream();

        assertThatThrownBy(() -> new FrameWriter(out).write(type, new byte[tooLong], 0, tooLong))
                .isInstanceOf(TooLongFrameException.class);
        assertThat(out.size()).isZero();
    }

    @ParameterizedTest
    @EnumSource(FrameType.class)
    void oversizeFrameCannotEvenBeBuilt(FrameType type) {
        assertThatThrownBy(() -> new Frame(type, new byte[Frame.maxPayload(type) + 1]))
                .isInstanceOf(TooLongFrameException.class);
    }

    @Test
    void requestOverOneMebibyteIsRefusedWhenEncoded() {
        Request huge = new Request(
                java.util.List.of("a".repeat(Frame.MAX_PAYLOAD)),
                java.util.Map.of(),
                "/w",
                java.util.Optional.empty(),
                "");

        assertThatThrownBy(huge::toFrame).isInstanceOf(TooLongFrameException.class);
    }
}
