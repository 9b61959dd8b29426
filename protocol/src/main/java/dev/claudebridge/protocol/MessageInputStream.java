package dev.claudebridge.protocol;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;

/**
 * The byte stream carried by a message transport (WebSocket binary messages), for the frame reader.
 * The transport hands over one message at a time and asks for the next only when the reader has
 * taken the last byte of it: the peer is held back by the transport's own flow control, and no more
 * than one message is ever held here.
 */
public final class MessageInputStream extends InputStream {
    private record Message(ByteBuffer data, Runnable consumed) {}

    private final ArrayDeque<Message> messages = new ArrayDeque<>();
    private boolean ended;
    private IOException failure;

    /**
     * Adds a message; {@code consumed} runs once the reader has taken all of it (release the buffer
     * and ask the transport for the next message there). Messages after the end are consumed at once.
     */
    public synchronized void offer(ByteBuffer data, Runnable consumed) {
        if (ended) {
            consumed.run();
            return;
        }
        messages.add(new Message(data, consumed));
        notifyAll();
    }

    /** The peer closed cleanly: the reader sees end of stream after the messages it has. */
    public synchronized void end() {
        ended = true;
        notifyAll();
    }

    /** The transport failed: the reader gets this error after the messages it has. */
    public synchronized void fail(IOException e) {
        if (failure == null) {
            failure = e;
        }
        end();
    }

    @Override
    public synchronized int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public synchronized int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        while (true) {
            Message m = messages.peek();
            if (m != null && !m.data.hasRemaining()) {
                messages.remove();
                m.consumed.run();
                continue;
            }
            if (m != null) {
                int n = Math.min(len, m.data.remaining());
                m.data.get(b, off, n);
                if (!m.data.hasRemaining()) {
                    messages.remove();
                    m.consumed.run();
                }
                return n;
            }
            if (ended) {
                if (failure != null) {
                    throw failure;
                }
                return -1;
            }
            try {
                wait();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while reading a message");
            }
        }
    }

    @Override
    public synchronized int available() {
        Message m = messages.peek();
        return m == null ? 0 : m.data.remaining();
    }

    /** Ends the stream for the reader and releases what it held. */
    @Override
    public synchronized void close() {
        ended = true;
        while (!messages.isEmpty()) {
            messages.remove().consumed.run();
        }
        notifyAll();
    }
}
