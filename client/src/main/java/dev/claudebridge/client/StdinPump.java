package dev.claudebridge.client;

import dev.claudebridge.protocol.Frame;
import dev.claudebridge.protocol.FrameType;
import dev.claudebridge.protocol.FrameWriter;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Copies this process's stdin to STDIN frames, then sends STDIN_EOF. It sends no more than the daemon's
 * STDIN_CREDIT allows: when the host process stops reading, credit stops coming and this thread stops
 * reading too, while the connection stays free for signals.
 */
final class StdinPump implements Runnable {
    private final FrameWriter writer;
    private final Credit credit;

    private StdinPump(FrameWriter writer, Credit credit) {
        this.writer = writer;
        this.credit = credit;
    }

    /** @param closed stdin was closed when we started: fd 0 is now a file of the JVM's, send EOF at once */
    static void start(FrameWriter writer, Credit credit, boolean closed) {
        if (closed) {
            try {
                writer.write(Frame.empty(FrameType.STDIN_EOF));
            } catch (IOException e) {
                // the connection is gone; the main thread reports it
            }
            return;
        }
        Thread t = new Thread(new StdinPump(writer, credit), "stdin-pump");
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
                for (int off = 0; off < n; ) {
                    int len = credit.take(n - off);
                    writer.write(FrameType.STDIN, buf, off, len);
                    off += len;
                }
            }
        } catch (IOException e) {
            // the connection is gone; the main thread reports it
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
