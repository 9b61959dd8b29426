package dev.claudebridge.protocol;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;

/** Two ends of a real Unix domain socket, each with its frame reader and writer. */
final class SocketPair implements AutoCloseable {
    /** One end of the connection. */
    record End(SocketChannel channel, FrameReader reader, FrameWriter writer) {
        static End of(SocketChannel ch) {
            return new End(
                    ch, new FrameReader(Channels.newInputStream(ch)), new FrameWriter(Channels.newOutputStream(ch)));
        }

        void close() throws IOException {
            channel.close();
        }
    }

    final End client;
    final End daemon;
    private final Path socket;

    SocketPair(Path dir) throws IOException {
        socket = dir.resolve("pair.sock");
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(socket));
            client = End.of(SocketChannel.open(UnixDomainSocketAddress.of(socket)));
            daemon = End.of(server.accept());
        }
    }

    @Override
    public void close() throws IOException {
        client.close();
        daemon.close();
        Files.deleteIfExists(socket);
    }
}
