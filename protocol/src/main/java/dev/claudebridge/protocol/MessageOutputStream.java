package dev.claudebridge.protocol;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;

/**
 * Frames written to a message transport (WebSocket binary messages): what is written between two
 * flushes goes out as one message. {@link FrameWriter} flushes after every frame, so each frame is
 * one message, which is what a client in another language expects to read.
 */
public final class MessageOutputStream extends OutputStream {
    /** Sends one whole message, blocking until the transport has taken it. */
    @FunctionalInterface
    public interface Sender {
        void send(ByteBuffer message) throws IOException;
    }

    private final Sender sender;
    private final ByteArrayOutputStream pending =
            new ByteArrayOutputStream(Frame.HEADER_LENGTH + Frame.MAX_DATA_PAYLOAD);
    private boolean closed;

    public MessageOutputStream(Sender sender) {
        this.sender = sender;
    }

    @Override
    public synchronized void write(int b) throws IOException {
        open();
        pending.write(b);
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) throws IOException {
        open();
        pending.write(b, off, len);
    }

    @Override
    public synchronized void flush() throws IOException {
        open();
        if (pending.size() == 0) {
            return;
        }
        ByteBuffer message = ByteBuffer.wrap(pending.toByteArray());
        pending.reset();
        sender.send(message);
    }

    @Override
    public synchronized void close() throws IOException {
        if (!closed) {
            flush();
            closed = true;
        }
    }

    private void open() throws IOException {
        if (closed) {
            throw new IOException("the connection is closed");
        }
    }
}
