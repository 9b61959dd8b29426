package dev.claudebridge.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The codec over a real Unix domain socket, whose read boundaries the kernel chooses. */
class UnixSocketFramingTest {
    private static final long SEED = 0xb1d9eL;

    @TempDir
    Path dir;

    @Test
    @Timeout(60)
    void framesCrossAUnixSocketIntactAndTheCloseIsClean() throws Exception {
        List<Frame> frames = RandomFrames.sequence(new SplittableRandom(SEED), 16L * 1024 * 1024);
        Path path = dir.resolve("bridge.sock");
        ExecutorService executor = Executors.newSingleThreadExecutor();
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(path));
            Future<?> sent = executor.submit(() -> {
                try (SocketChannel client = SocketChannel.open(UnixDomainSocketAddress.of(path))) {
                    FrameWriter writer = new FrameWriter(Channels.newOutputStream(client));
                    for (Frame f : frames) {
                        writer.write(f);
                    }
                }
                return null;
            });
            try (SocketChannel accepted = server.accept()) {
                FrameReader reader = new FrameReader(Channels.newInputStream(accepted));
                for (int i = 0; i < frames.size(); i++) {
                    assertThat(reader.read())
                            .as("seed %d: frame %d of %d", SEED, i, frames.size())
                            .contains(frames.get(i));
                }
                assertThat(reader.read())
                        .as("seed %d: clean end after the writer closed", SEED)
                        .isEmpty();
            }
            sent.get(10, TimeUnit.SECONDS);
        } finally {
            executor.shutdownNow();
            Files.deleteIfExists(path);
        }
    }
}
