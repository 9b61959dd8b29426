package dev.claudebridge.daemon.session;

import static org.assertj.core.api.Assertions.assertThat;

import dev.claudebridge.protocol.Frame;
import dev.claudebridge.protocol.FrameReader;
import dev.claudebridge.protocol.FrameType;
import dev.claudebridge.protocol.FrameWriter;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The drain over a real pipe (a FIFO a real {@code head} writes) and a real Unix socket: every byte
 * arrives, and its read buffers are recycled: a stream many times {@link OutputDrain#LIMIT} long takes
 * no more buffers from the pool than may wait at once, and the pool keeps no more than its cap.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class OutputDrainTest {
    /** 64 MiB: 1024 full pipe reads, sixteen times what may wait. */
    private static final long BYTES = 64L * 1024 * 1024;

    @TempDir
    Path dir;

    @ParameterizedTest(name = "pipe read through its channel: {0}, socket written from the buffer: {1}")
    @CsvSource({"true, true", "true, false", "false, true", "false, false"})
    void aLongStreamArrivesWholeAndReusesItsBuffers(boolean pipeChannel, boolean socketBuffers) throws Exception {
        ChunkPool pool = new ChunkPool(4);
        Path fifo = dir.resolve("out");
        run("mkfifo", fifo.toString());
        Process head = new ProcessBuilder("sh", "-c", "head -c " + BYTES + " /dev/zero > " + fifo).start();
        InputStream stdout = new FileInputStream(fifo.toFile());
        if (!pipeChannel) {
            stdout = new BufferedInputStream(stdout, 1); // any stream but a pipe's own: read into an array
        }
        Path socket = dir.resolve("s");
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(socket));
            try (SocketChannel client = SocketChannel.open(UnixDomainSocketAddress.of(socket));
                    SocketChannel daemonSide = server.accept()) {
                WriteDeadline output = new WriteDeadline(
                        Channels.newOutputStream(daemonSide),
                        socketBuffers ? Optional.of(daemonSide) : Optional.empty(),
                        Duration.ZERO);
                FrameWriter writer = new FrameWriter(new BufferedOutputStream(output, ChunkPool.CAPACITY));
                AtomicLong sent = new AtomicLong();
                OutputDrain drain = new OutputDrain(
                        "t", writer, output, pool, stdout, sent, InputStream.nullInputStream(), new AtomicLong());

                long received = 0;
                long nonZero = 0;
                FrameReader reader = new FrameReader(Channels.newInputStream(client));
                while (received < BYTES) {
                    Frame f = reader.read().orElseThrow();
                    assertThat(f.type()).isEqualTo(FrameType.STDOUT);
                    received += f.payload().length;
                    for (byte b : f.payload()) {
                        nonZero += b == 0 ? 0 : 1;
                    }
                }
                assertThat(drain.awaitReaders(10_000)).isTrue();
                assertThat(drain.awaitSent(10_000)).isTrue();
                output.release();

                assertThat(received).isEqualTo(BYTES);
                assertThat(nonZero).isZero(); // no header byte or stale data in a payload
                assertThat(sent.get()).isEqualTo(BYTES);
                assertThat(drain.failed()).isFalse();
                // the old drain took a new 64 KiB array for each of the 1024 full reads
                assertThat(pool.allocated())
                        .as("buffers taken for %d full reads", BYTES / OutputDrain.CHUNK)
                        .isLessThanOrEqualTo(OutputDrain.LIMIT / ChunkPool.CAPACITY + 3);
                assertThat(pool.live()).as("buffers the pool still holds").isLessThanOrEqualTo(4);
            }
        } finally {
            head.waitFor();
        }
    }

    private static void run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).inheritIO().start();
        assertThat(p.waitFor()).isZero();
    }
}
