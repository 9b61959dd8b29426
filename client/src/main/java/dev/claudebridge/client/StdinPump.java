package dev.claudebridge.client;

import dev.claudebridge.protocol.Frame;
import dev.claudebridge.protocol.FrameType;
import dev.claudebridge.protocol.FrameWriter;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.GatheringByteChannel;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;

/**
 * Copies this process's stdin to STDIN frames, then sends STDIN_EOF. It sends no more than the daemon's
 * STDIN_CREDIT allows: when the host process stops reading, credit stops coming and this thread stops
 * reading too, while the connection stays free for signals.
 *
 * <p>Data frames skip the writer's stream: stdin is read into a direct buffer and its frame goes to the
 * socket from there, header and payload in one gathering write, with no copy on the Java heap. The
 * writer's lock is held meanwhile, so a SIGNAL or RESIZE frame cannot land inside it.
 */
final class StdinPump implements Runnable {
    private final FrameWriter writer;
    private final WritableByteChannel socket;
    private final Credit credit;

    private StdinPump(FrameWriter writer, WritableByteChannel socket, Credit credit) {
        this.writer = writer;
        this.socket = socket;
        this.credit = credit;
    }

    /**
     * @param socket the connection's output, the stream {@code writer} writes to (its buffer is empty
     *     between frames: every frame is flushed)
     * @param closed stdin was closed when we started: fd 0 is now a file of the JVM's, send EOF at once
     */
    static void start(FrameWriter writer, WritableByteChannel socket, Credit credit, boolean closed) {
        if (closed) {
            try {
                writer.write(Frame.empty(FrameType.STDIN_EOF));
            } catch (IOException e) {
                // the connection is gone; the main thread reports it
            }
            return;
        }
        Thread t = new Thread(new StdinPump(writer, socket, credit), "stdin-pump");
        t.setDaemon(true);
        t.start();
    }

    @Override
    public void run() {
        ReadableByteChannel in = Channels.newChannel(new FileInputStream(FileDescriptor.in));
        ByteBuffer header = ByteBuffer.allocateDirect(Frame.HEADER_LENGTH);
        ByteBuffer data = ByteBuffer.allocateDirect(Frame.MAX_DATA_PAYLOAD);
        try {
            while (true) {
                data.clear();
                int n;
                try {
                    n = in.read(data);
                } catch (IOException e) {
                    n = -1; // a closed or unreadable stdin reads as empty, as it would for a local claude
                }
                if (n < 0) {
                    writer.write(Frame.empty(FrameType.STDIN_EOF));
                    return;
                }
                data.flip();
                while (data.hasRemaining()) {
                    send(header, data, credit.take(data.remaining()));
                }
            }
        } catch (IOException e) {
            // the connection is gone; the main thread reports it
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Sends the next {@code len} bytes of {@code data} as one STDIN frame: straight to a socket channel,
     * or through the writer (which flushes each frame, so a message transport such as WebSocket sends
     * it) when the connection's output is a stream of another kind.
     */
    private void send(ByteBuffer header, ByteBuffer data, int len) throws IOException {
        if (!(socket instanceof GatheringByteChannel gathering)) {
            byte[] copy = new byte[len];
            data.get(copy);
            writer.write(FrameType.STDIN, copy, 0, len);
            return;
        }
        header.clear();
        header.put((byte) FrameType.STDIN.code()).putInt(len).flip();
        int limit = data.limit();
        data.limit(data.position() + len);
        ByteBuffer[] frame = {header, data};
        synchronized (writer) {
            while (data.hasRemaining()) {
                gathering.write(frame);
            }
        }
        data.limit(limit);
    }
}
