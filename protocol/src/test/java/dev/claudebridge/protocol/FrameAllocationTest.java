package dev.claudebridge.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** What reading a frame allocates: what has arrived (at most about twice it), never what the header announces. */
class FrameAllocationTest {
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    /** Bytes this thread allocates reading {@code wire}'s one frame, which is cut short. */
    private static long allocatedReading(byte[] wire) throws Exception {
        readCutShort(wire); // once before measuring: class loading is not the reader's doing
        long id = Thread.currentThread().getId();
        long before = THREADS.getThreadAllocatedBytes(id);
        readCutShort(wire);
        return THREADS.getThreadAllocatedBytes(id) - before;
    }

    private static void readCutShort(byte[] wire) throws Exception {
        try {
            new FrameReader(new ByteArrayInputStream(wire)).read();
            throw new AssertionError("a frame cut short was read");
        } catch (CorruptedFrameException expected) {
            // as meant
        }
    }

    private static byte[] header(FrameType type, int length) {
        return new byte[] {
            (byte) type.code(), (byte) (length >>> 24), (byte) (length >>> 16), (byte) (length >>> 8), (byte) length
        };
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 10, 5000})
    void aRequestAnnouncingAMegabyteButCutShortAllocatesLittle(int sent) throws Exception {
        byte[] wire = new byte[5 + sent];
        System.arraycopy(header(FrameType.REQUEST, Frame.MAX_PAYLOAD), 0, wire, 0, 5);
        long allocated = allocatedReading(wire);
        assertThat(allocated)
                .as("bytes allocated for a frame announcing 1 MiB of which %d arrived", sent)
                .isLessThan(256 * 1024);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 16 * 1024, 16 * 1024 + 1, 100_000, Frame.MAX_PAYLOAD})
    void payloadsOfEverySizeArriveWholeThroughShortReads(int length) throws Exception {
        byte[] payload = new byte[length];
        new Random(length).nextBytes(payload);
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        new FrameWriter(wire).write(new Frame(FrameType.REQUEST, payload));
        InputStream in = new ChoppyInputStream(wire.toByteArray(), new java.util.SplittableRandom(length), 40_000);
        Frame f = new FrameReader(in).read().orElseThrow();
        assertThat(Arrays.equals(f.payload(), payload)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(ints = {1000, 300_000})
    void aPayloadCutMidwayAllocatesInProportionToWhatArrived(int sent) throws Exception {
        byte[] wire = Arrays.copyOf(header(FrameType.REQUEST, Frame.MAX_PAYLOAD), 5 + sent);
        long allocated = allocatedReading(wire);
        assertThat(allocated)
                .isLessThan(4L * sent
                        + 64 * 1024); // doubling: the last buffer is at most twice what arrived, all of them at most
        // twice that
    }

    @org.junit.jupiter.api.Test
    void aWholeDataPayloadIsReadIntoTheArrayTheReaderIsGiven() throws Exception {
        byte[] full = new byte[Frame.MAX_DATA_PAYLOAD];
        new Random(7).nextBytes(full);
        byte[] half = Arrays.copyOf(full, Frame.MAX_DATA_PAYLOAD / 2);
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        FrameWriter w = new FrameWriter(wire);
        w.write(FrameType.STDIN, full, 0, full.length);
        w.write(FrameType.STDIN, half, 0, half.length);
        w.write(FrameType.STDIN, full, 0, full.length);
        byte[] given = new byte[Frame.MAX_DATA_PAYLOAD];
        byte[] wrongLength = new byte[10];
        FrameReader r =
                new FrameReader(new ChoppyInputStream(wire.toByteArray(), new java.util.SplittableRandom(3), 7000));

        Frame first = r.read(() -> given).orElseThrow();
        assertThat(first.payload()).isSameAs(given).isEqualTo(full);
        Frame second = r.read(() -> given).orElseThrow(); // not a whole payload: an array of its own
        assertThat(second.payload()).isNotSameAs(given).isEqualTo(half);
        Frame third = r.read(() -> wrongLength).orElseThrow(); // an array that does not fit is not used
        assertThat(third.payload()).isNotSameAs(wrongLength).isEqualTo(full);
        assertThat(r.read(() -> given)).isEmpty();
    }
}
