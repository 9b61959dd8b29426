package dev.claudebridge.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import dev.claudebridge.protocol.FrameDescription.Field;
import dev.claudebridge.protocol.ProtocolDoc.Vector;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** The test vectors of docs/PROTOCOL.md decode to what the document says and re-encode to the same bytes. */
class ProtocolDocVectorsTest {

    @TestFactory
    Stream<DynamicTest> eachVectorDecodesToItsDescriptionAndReencodesToItsBytes() throws IOException {
        return ProtocolDoc.load().vectors().stream().map(v -> DynamicTest.dynamicTest(v.name(), () -> check(v)));
    }

    private static void check(Vector v) throws IOException {
        byte[] bytes = Bytes.fromHex(v.hex());
        FrameReader reader = new FrameReader(ChoppyInputStream.whole(bytes));
        Frame frame = reader.read().orElseThrow();
        assertThat(reader.read()).as("%s holds exactly one frame", v.name()).isEmpty();

        List<Field> described = FrameDescription.parse(v.frame());
        List<Field> withoutText =
                described.stream().filter(f -> !f.key().equals("text")).toList();
        assertThat(FrameDescription.describe(frame)).as("%s decoded", v.name()).containsExactlyElementsOf(withoutText);
        for (Field text : described.stream().filter(f -> f.key().equals("text")).toList()) {
            assertThat(Payload.utf8(frame.payload(), 0, frame.payload().length, "text"))
                    .as("%s text", v.name())
                    .isEqualTo(text.value());
        }
        assertThat(Bytes.toHex(Bytes.encode(FrameDescription.build(withoutText))))
                .as("%s re-encoded", v.name())
                .isEqualTo(Bytes.toHex(bytes));
    }

    @Test
    void theDocumentHasAtLeastTwelveVectorsWithDistinctNames() throws IOException {
        List<Vector> vectors = ProtocolDoc.load().vectors();

        assertThat(vectors).hasSizeGreaterThanOrEqualTo(12);
        assertThat(vectors.stream().map(Vector::name)).doesNotHaveDuplicates();
    }

    @Test
    void everyFrameTypeHasAVector() throws IOException {
        List<String> types = ProtocolDoc.load().vectors().stream()
                .map(v -> FrameDescription.parse(v.frame()).get(0))
                .map(Field::value)
                .toList();

        assertThat(types)
                .containsAll(Arrays.stream(FrameType.values()).map(Enum::name).toList());
    }
}
