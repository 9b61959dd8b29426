package dev.claudebridge.daemon.admission;

import dev.claudebridge.protocol.BridgeError;
import dev.claudebridge.protocol.ErrorCode;
import dev.claudebridge.protocol.FrameReader;
import dev.claudebridge.protocol.FrameWriter;
import dev.claudebridge.protocol.ProtocolException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Connection management for a stream transport: at most {@code max-connections} open at once (one more
 * is answered with an ERROR {@code queue_full} after its HELLO, so the caller learns why), and a
 * connection that has not delivered its HELLO and REQUEST within the handshake timeout is closed,
 * however slowly it trickles bytes in.
 */
public final class Connections {
    private static final Logger LOG = LoggerFactory.getLogger(Connections.class);

    private final Supplier<Limits> limits;
    private final ScheduledExecutorService timer;
    private final AtomicInteger open = new AtomicInteger();

    /**
     * @param limits the current limits (max-connections and handshake-timeout are read per connection)
     * @param timer closes the connections that miss their handshake deadline
     */
    public Connections(Supplier<Limits> limits, ScheduledExecutorService timer) {
        this.limits = limits;
        this.timer = timer;
    }

    /**
     * Serves one accepted connection on the calling thread, then closes it.
     *
     * @param session runs the session over the connection's streams
     */
    public void serve(SocketChannel ch, String peer, BiConsumer<InputStream, OutputStream> session) {
        Limits l = limits.get();
        try (ch) {
            if (open.incrementAndGet() > l.maxConnections()) {
                open.decrementAndGet();
                refuse(ch, peer, l);
                return;
            }
            try {
                HandshakeGuard in = new HandshakeGuard(Channels.newInputStream(ch));
                ScheduledFuture<?> deadline = timer.schedule(() -> {
                    if (!in.complete()) {
                        LOG.info("closing the connection of {}: no request within the handshake-timeout of {}", peer,
                                Durations.format(l.handshakeTimeout()));
                        closeQuietly(ch);
                    }
                }, l.handshakeTimeout().toNanos(), TimeUnit.NANOSECONDS);
                try {
                    session.accept(in, Channels.newOutputStream(ch));
                } finally {
                    deadline.cancel(false);
                }
            } finally {
                open.decrementAndGet();
            }
        } catch (IOException e) {
            // closing a connection the peer already dropped
        }
    }

    /** Connections being served now (handshaking, queued or running). */
    public int open() {
        return open.get();
    }

    /** Waits (up to the handshake timeout) for the caller's HELLO, then answers it with the refusal. */
    private void refuse(SocketChannel ch, String peer, Limits l) {
        String message = "the bridge has " + Durations.count(l.maxConnections(), "connection") + " open, its max-connections limit; try again later";
        LOG.warn("refusing a connection of {}: {} open already (max-connections)", peer, l.maxConnections());
        ScheduledFuture<?> deadline = timer.schedule(() -> closeQuietly(ch), l.handshakeTimeout().toNanos(), TimeUnit.NANOSECONDS);
        try {
            new FrameReader(Channels.newInputStream(ch)).read();
            new FrameWriter(Channels.newOutputStream(ch)).write(BridgeError.of(ErrorCode.QUEUE_FULL, message).toFrame());
        } catch (IOException | ProtocolException e) {
            // gone, or not a claude-bridge client: nothing to tell
        } finally {
            deadline.cancel(false);
        }
    }

    private static void closeQuietly(SocketChannel ch) {
        try {
            ch.close();
        } catch (IOException e) {
            // already closed
        }
    }
}
