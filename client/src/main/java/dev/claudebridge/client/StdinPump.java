package dev.claudebridge.client;

import dev.claudebridge.protocol.Frame;
import dev.claudebridge.protocol.FrameType;
import dev.claudebridge.protocol.FrameWriter;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Copies this process's stdin to STDIN frames, then sends STDIN_EOF. Blocking writes to the socket
 * are the backpressure: when the host process stops reading, this thread stops reading too.
 */
final class StdinPump implements Runnable {
    private final FrameWriter writer;

    private StdinPump(FrameWriter writer) {
        this.writer = writer;
    }

    static void start(FrameWriter writer) {
        Thread t = new Thread(new StdinPump(writer), "stdin-pump");
        t.setDaemon(true);
        t.start();
    }

    @Override
    public void run() {
        InputStream in = new FileInputStream(FileDescriptor.in);
        byte[] buf = new byte[Frame.MAX_DATA_PAYLOAD];
        try {
            while (true) {
                int n;
                try {
                    n = in.read(buf);
                } catch (IOException e) {
                    n = -1; // a closed or unreadable stdin reads as empty, as it would for a local claude
                }
                if (n < 0) {
                    writer.write(Frame.empty(FrameType.STDIN_EOF));
                    return;
                }
                writer.write(FrameType.STDIN, buf, 0, n);
            }
        } catch (IOException e) {
            // the connection is gone; the main thread reports it
        }
    }
}
