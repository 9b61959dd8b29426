package dev.claudebridge.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.LongStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Property: random sequences of random frames, written back to back and read through reads of random
 * short lengths, come back equal and in order, then end cleanly. Seeds are fixed so a failure
 * reproduces; {@code -Dprotocol.seed=N} explores others.
 */
class ShortReadFramingTest {
    private static final int[] MAX_READ = {1, 2, 3, 5, 7, 64, 4093, 70_000};
    private static final long BUDGET = 3L * 1024 * 1024;

    static LongStream seeds() {
        long base = Long.getLong("protocol.seed", 0x5eedL);
        return LongStream.range(0, 60).map(i -> base + i);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void framesComeBackInOrderWhateverTheReadBoundaries(long seed) throws IOException {
        SplittableRandom random = new SplittableRandom(seed);
        List<Frame> frames = RandomFrames.sequence(random, BUDGET);
        byte[] wire = writeWithEitherMethod(frames, random);
        int maxRead = MAX_READ[random.nextInt(MAX_READ.length)];
        ChoppyInputStream in = new ChoppyInputStream(wire, random.split(), maxRead);
        FrameReader reader = new FrameReader(in);

        for (int i = 0; i < frames.size(); i++) {
            assertThat(reader.read())
                    .as("seed %d: frame %d of %d, reads of 1..%d bytes", seed, i, frames.size(), maxRead)
                    .contains(frames.get(i));
        }
        assertThat(reader.read()).as("seed %d: end of stream", seed).isEmpty();
        assertThat(in.consumed()).as("seed %d: bytes consumed", seed).isEqualTo(wire.length);
    }

    /** Uses both writer entry points, the slice one with the payload inside a larger array. */
    private static byte[] writeWithEitherMethod(List<Frame> frames, SplittableRandom random) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        FrameWriter writer = new FrameWriter(out);
        for (Frame f : frames) {
            if (random.nextBoolean()) {
                writer.write(f);
            } else {
                int off = random.nextInt(0, 9);
                byte[] padded = new byte[off + f.payload().length + random.nextInt(0, 9)];
                random.nextBytes(padded);
                System.arraycopy(f.payload(), 0, padded, off, f.payload().length);
                writer.write(f.type(), padded, off, f.payload().length);
            }
        }
        return out.toByteArray();
    }
}
