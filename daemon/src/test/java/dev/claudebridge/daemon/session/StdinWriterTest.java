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
}
