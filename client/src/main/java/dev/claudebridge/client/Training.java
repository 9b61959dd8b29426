package dev.claudebridge.client;

import dev.claudebridge.protocol.Exit;
import dev.claudebridge.protocol.Frame;
import dev.claudebridge.protocol.FrameReader;
import dev.claudebridge.protocol.FrameType;
import dev.claudebridge.protocol.FrameWriter;
import dev.claudebridge.protocol.ServerHandshake;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The training run for the JDK's ahead-of-time cache (JDK 25+): one complete call against a stand-in
 * daemon inside this process, so the cache holds every class a real call loads, without sending a
 * request to the real bridge. The launcher runs it once, in the background, with its output discarded.
 */
final class Training {
    private Training() {}

    static int run() throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("claude-bridge-training-");
        Path socket = dir.resolve("s");
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(socket));
            Thread daemon = new Thread(() -> standInDaemon(server), "training-daemon");
            daemon.start();
            Invocation call = new Invocation(
                    List.of("--version"),
                    Map.of("TERM", "dumb"),
                    System.getProperty("user.dir"),
                    List.of(socket.toString()),
                    "training");
            int status = BridgeCall.run(call);
            daemon.join(5000);
            TlsConnector.warmUp();
            return status;
        } finally {
            Files.deleteIfExists(socket);
            Files.deleteIfExists(dir);
        }
    }

    /** Answers one call the way the daemon does: its handshake, output on both streams, EXIT. */
    private static void standInDaemon(ServerSocketChannel server) {
        try (SocketChannel ch = server.accept()) {
            FrameReader in = new FrameReader(Channels.newInputStream(ch));
            FrameWriter out = new FrameWriter(Channels.newOutputStream(ch));
            ServerHandshake handshake = new ServerHandshake(in, out, "training");
            handshake.readHello().orElseThrow();
            handshake.accept();
            handshake.readRequest().orElseThrow();
            handshake.start();
            out.write(new Frame(FrameType.STDOUT, "0.0.0 (training)\n".getBytes(StandardCharsets.UTF_8)));
            out.write(new Frame(FrameType.STDERR, new byte[0]));
            out.write(Exit.code(0).toFrame());
        } catch (IOException | RuntimeException e) {
            // a training run that fails only makes a smaller cache
        }
    }
}
