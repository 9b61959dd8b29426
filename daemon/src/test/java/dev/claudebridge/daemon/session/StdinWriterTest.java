package dev.claudebridge.daemon.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class StdinWriterTest {
    /** The process's stdin: what reached it, and whether it was closed. */
    static final class Stdin extends ByteArrayOutputStream {
        volatile boolean closed;

        @Override
        public void close() {
            closed = true;
        }
    }

    @Test
    void anEmptyInputClosesTheProcessStdinAtItsEof() throws Exception {
        Stdin stdin = new Stdin();
        StdinWriter w = new StdinWriter(stdin, "stdin-test", n -> {});
        w.finish();
        assertThat(stdin.closed).isTrue(); // at once: no writer thread had anything to do
        w.awaitEnd(1000);
        assertThat(stdin.size()).isZero();
    }

    @Test
    void dataReachesTheProcessInOrderAndIsCreditedBeforeTheClose() throws Exception {
        Stdin stdin = new Stdin();
        List<Integer> credited = new ArrayList<>();
        StdinWriter w = new StdinWriter(stdin, "stdin-test", n -> {
            synchronized (credited) {
                credited.add(n);
            }
        });
        w.write("one ".getBytes(StandardCharsets.UTF_8));
        w.write("two".getBytes(StandardCharsets.UTF_8));
        w.finish();
        w.write("late".getBytes(StandardCharsets.UTF_8)); // after the caller's EOF: dropped
        w.awaitEnd(10_000);
        assertThat(stdin.closed).isTrue();
        assertThat(stdin.toString(StandardCharsets.UTF_8)).isEqualTo("one two");
        synchronized (credited) {
            assertThat(credited).containsExactly(4, 3);
        }
    }

    @Test
    void aVanishedCallerClosesTheProcessStdinWhetherOrNotItSentAnything() {
        Stdin quiet = new Stdin();
        StdinWriter none = new StdinWriter(quiet, "stdin-test", n -> {});
        none.abort();
        none.awaitEnd(10_000);
        assertThat(quiet.closed).isTrue();

        Stdin some = new Stdin();
        StdinWriter after = new StdinWriter(some, "stdin-test", n -> {});
        after.write(new byte[] {1});
        after.abort();
        after.awaitEnd(10_000);
        assertThat(some.closed).isTrue();
    }

    /**
     * A stream of whole payloads, taken from the pool as the caller-input loop takes them and sent only
     * with credit, as a caller must: the writer hands each back once written, so a few arrays carry it
     * all, and none is reused before its bytes reached the process.
     */
    @Test
    void wholePayloadsGoBackToThePoolOnceWrittenAndAFewCarryAStream() throws Exception {
        Stdin stdin = new Stdin();
        java.util.concurrent.Semaphore credit = new java.util.concurrent.Semaphore((int)
                (dev.claudebridge.protocol.StdinCredit.INITIAL / dev.claudebridge.protocol.Frame.MAX_DATA_PAYLOAD));
        StdinWriter w = new StdinWriter(stdin, "stdin-test", n -> credit.release());
        java.util.Set<byte[]> arrays = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        int frames = 200;
        for (int i = 0; i < frames; i++) {
            credit.acquire();
            byte[] a = PayloadPool.STDIN.take();
            java.util.Arrays.fill(a, (byte) i);
            arrays.add(a);
            w.write(a);
        }
        w.finish();
        w.awaitEnd(30_000);
        byte[] got = stdin.toByteArray();
        assertThat(got).hasSize(frames * dev.claudebridge.protocol.Frame.MAX_DATA_PAYLOAD);
        for (int i = 0; i < frames; i++) {
            int at = i * dev.claudebridge.protocol.Frame.MAX_DATA_PAYLOAD;
            assertThat(got[at]).as("frame %d's first byte", i).isEqualTo((byte) i);
            assertThat(got[at + dev.claudebridge.protocol.Frame.MAX_DATA_PAYLOAD - 1])
                    .as("frame %d's last byte", i)
                    .isEqualTo((byte) i);
        }
        // at most the credit's worth in flight, plus what other tests left in the shared pool
        assertThat(arrays.size()).isLessThanOrEqualTo(4 + 16);
        assertThat(PayloadPool.STDIN.free()).isPositive();
    }
}
