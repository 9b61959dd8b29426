package dev.claudebridge.daemon.transport;

import dev.claudebridge.daemon.session.Peer;
import dev.claudebridge.daemon.session.PeerCheck;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.WritableByteChannel;
import java.util.Optional;

/**
 * One accepted connection as the rest of the daemon sees it, whatever its transport: two streams and
 * the peer, taken once at accept. Closing it closes the transport's channel, also from another thread
 * (a missed deadline), which ends a read blocked on it.
 *
 * @param peer who is on the other end, as the transport can tell
 * @param in what the peer sends
 * @param out what the peer reads
 * @param channel the transport's channel under both streams
 * @param check what the transport learns of the peer once the HELLO is read (a TLS peer's certificate
 *     or token); a Unix socket's peer is complete at accept
 * @param rawOut the channel that {@code out} writes to unchanged, where there is one (a Unix socket): a
 *     writer may send a direct buffer to it in one write, without the stream's copy; empty where the
 *     stream encodes what it writes (TLS, WebSocket)
 */
public record Connection(
        Peer peer,
        InputStream in,
        OutputStream out,
        Closeable channel,
        PeerCheck check,
        Optional<WritableByteChannel> rawOut)
        implements AutoCloseable {
    /** A connection whose peer is known in full at accept. */
    public Connection(Peer peer, InputStream in, OutputStream out, Closeable channel) {
        this(peer, in, out, channel, PeerCheck.ACCEPTED);
    }

    /** A connection whose output stream encodes what it writes (no raw channel). */
    public Connection(Peer peer, InputStream in, OutputStream out, Closeable channel, PeerCheck check) {
        this(peer, in, out, channel, check, Optional.empty());
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException e) {
            // already closed, or dropped by the peer: nothing is left to release
        }
    }
}
