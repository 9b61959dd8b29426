package dev.claudebridge.daemon.admission;

import dev.claudebridge.daemon.config.LimitsConfig;
import dev.claudebridge.daemon.config.Units;
import dev.claudebridge.daemon.session.PeerIdentity;
import dev.claudebridge.daemon.session.Refusal;
import dev.claudebridge.daemon.transport.Connection;
import dev.claudebridge.protocol.BridgeError;
import dev.claudebridge.protocol.ErrorCode;
import dev.claudebridge.protocol.FrameReader;
import dev.claudebridge.protocol.FrameWriter;
import dev.claudebridge.protocol.ProtocolException;
import dev.claudebridge.protocol.ServerHandshake;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Connection management for a stream transport, per caller identity ({@link dev.claudebridge.daemon.session.Peer#identity()}): one
 * identity holds at most {@code client-max-connections} open at once, all together at most
 * {@code max-connections} less the other listeners' reserves; one more is answered with an ERROR
 * {@code queue_full} after its HELLO, so the caller learns why. A connection that has not delivered its
 * HELLO and REQUEST within the handshake timeout is closed, however slowly it trickles bytes in, and
 * the bytes of handshakes and requests held at once stay within {@code handshake-memory} (a quarter of
 * it per identity).
 */
public final class Connections {
    private static final Logger LOG = LoggerFactory.getLogger(Connections.class);
    /** Refusals waiting for a HELLO at once; more are closed without a word, so refusing costs little. */
    private static final int MAX_REFUSING = 64;

    private static final int MAX_REFUSING_PER_IDENTITY = 4;

    private final Supplier<LimitsConfig> limits;
    private final ScheduledExecutorService timer;
    private final Shares connections;
    private final Shares memory;
    private final Shares refusing;
    private final RefusalLog refusals = new RefusalLog(LOG);
    private final AtomicInteger open = new AtomicInteger();

    /**
     * @param limits the current limits (read per connection)
     * @param timer closes the connections that miss their handshake deadline
     * @param listeners every listener (each keeps a reserve of connections and memory)
     */
    public Connections(Supplier<LimitsConfig> limits, ScheduledExecutorService timer, List<String> listeners) {
        this.limits = limits;
        this.timer = timer;
        this.connections = new Shares(listeners);
        this.memory = new Shares(listeners);
        this.refusing = new Shares(listeners);
    }

    /** For a single listener. */
    public Connections(Supplier<LimitsConfig> limits, ScheduledExecutorService timer) {
        this(limits, timer, List.of());
    }

    /**
     * Serves one accepted connection on the calling thread, then closes it.
     *
     * @param session runs the session over the connection's streams
     */
    public void serve(Connection c, BiConsumer<InputStream, OutputStream> session) {
        LimitsConfig l = limits.get();
        PeerIdentity id = c.peer().identity();
        try (c) {
            Shares.Refusal refused =
                    connections.take(id, 1, new Shares.Caps(l.maxConnections(), l.clientMaxConnections()));
            if (refused != null) {
                refuse(c, id, l, refused);
                return;
            }
            open.incrementAndGet();
            HandshakeGuard in = new HandshakeGuard(c.in(), bytes -> claim(id, bytes, l));
            try {
                ScheduledFuture<?> deadline = timer.schedule(
                        () -> {
                            if (!in.complete()) {
                                LOG.info(
                                        "closing the connection of {}: no request within the handshake-timeout of {}",
                                        c.peer(),
                                        Units.formatDuration(l.handshakeTimeout()));
                                c.close();
                            }
                        },
                        l.handshakeTimeout().toNanos(),
                        TimeUnit.NANOSECONDS);
                try {
                    session.accept(in, c.out());
                } finally {
                    deadline.cancel(false);
                }
            } finally {
                memory.give(id, in.charged());
                connections.give(id, 1);
                open.decrementAndGet();
            }
        }
    }

    /** Connections being served now (handshaking, queued or running). */
    public int open() {
        return open.get();
    }

    /** Bytes of handshakes and requests held now. */
    public long heldBytes() {
        return memory.total();
    }

    /** Takes {@code bytes} of the handshake memory for a handshake's payload as it arrives. */
    private void claim(PeerIdentity id, long bytes, LimitsConfig l) {
        Shares.Refusal r = memory.take(id, bytes, new Shares.Caps(l.handshakeMemory(), l.handshakeMemory() / 4));
        if (r != null) {
            refusals.note(id, "handshake-memory");
            throw new Refusal(
                    ErrorCode.QUEUE_FULL,
                    "limits.handshake-memory",
                    r == Shares.Refusal.IDENTITY
                            ? "this caller (its container, or its uid) is sending more request bytes at once than its share of the bridge's handshake-memory ("
                                    + (l.handshakeMemory() / 4 >> 10) + " KiB); try again later"
                            : "the bridge is receiving its handshake-memory of requests (" + (l.handshakeMemory() >> 10)
                                    + " KiB) at once; try again later");
        }
    }

    /** Waits (up to the handshake timeout) for the caller's HELLO, then answers it with the refusal. */
    private void refuse(Connection c, PeerIdentity id, LimitsConfig l, Shares.Refusal why) {
        String message = why == Shares.Refusal.IDENTITY
                ? "this caller (its container, or its uid) has "
                        + Words.count(l.clientMaxConnections(), "connection")
                        + " open, its client-max-connections limit; try again later"
                : "the bridge has " + Words.count(connections.total(), "connection")
                        + " open, its max-connections limit; try again later";
        refusals.note(id, why == Shares.Refusal.IDENTITY ? "client-max-connections" : "max-connections");
        if (refusing.take(id, 1, new Shares.Caps(MAX_REFUSING, MAX_REFUSING_PER_IDENTITY)) != null) {
            return; // already telling this caller (or many) why: close at once
        }
        ScheduledFuture<?> deadline =
                timer.schedule(c::close, l.handshakeTimeout().toNanos(), TimeUnit.NANOSECONDS);
        try {
            ServerHandshake handshake = new ServerHandshake(new FrameReader(c.in()), new FrameWriter(c.out()), "");
            if (handshake.readHello().isPresent()) {
                handshake.refuse(BridgeError.of(ErrorCode.QUEUE_FULL, message));
            }
        } catch (IOException | ProtocolException e) {
            // gone, or not a claude-bridge client: nothing to tell
        } finally {
            deadline.cancel(false);
            refusing.give(id, 1);
        }
    }
}
