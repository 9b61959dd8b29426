package dev.claudebridge.daemon.admission;

import dev.claudebridge.protocol.Frame;
import dev.claudebridge.protocol.ServerHandshake;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * A connection's input that notices when the handshake is over: it follows the frame headers in the
 * byte stream (nothing else) until the HELLO and the REQUEST have passed, then only passes bytes on.
 * What the frames say is the session's business. Until then, each payload byte is claimed from a
 * memory budget before it is passed on, so what a handshake holds is what it has sent, and the claim
 * may refuse (by throwing its unchecked exception, which reaches the session as a refusal).
 */
final class HandshakeGuard extends FilterInputStream {
    /** Claims bytes of the handshake budget; throws to refuse them. */
    interface Claim {
        void claim(long bytes);
    }

    private final byte[] header = new byte[Frame.HEADER_LENGTH];
    private int headerFill;
    private long payloadLeft;
    private int frames;
    private volatile boolean complete;
    private final Claim claim;
    private volatile long charged;

    HandshakeGuard(InputStream in) {
        this(in, bytes -> {});
    }

    HandshakeGuard(InputStream in, Claim claim) {
        super(in);
        this.claim = claim;
    }

    /** Payload bytes claimed so far (to be given back when the connection ends). */
    long charged() {
        return charged;
    }

    /** Whether the HELLO and the REQUEST have been read in full. */
    boolean complete() {
        return complete;
    }

    @Override
    public int read() throws IOException {
        int b = super.read();
        if (b >= 0 && !complete) {
            follow(new byte[] {(byte) b}, 0, 1);
        }
        return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int n = in.read(b, off, len);
        if (n > 0 && !complete) {
            follow(b, off, n);
        }
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        // the session never skips; refusing keeps the byte count honest
        return 0;
    }

    private void follow(byte[] b, int off, int n) {
        long payload = 0;
        int i = off;
        int end = off + n;
        while (i < end && !complete) {
            if (headerFill < header.length) {
                int k = Math.min(header.length - headerFill, end - i);
                System.arraycopy(b, i, header, headerFill, k);
                headerFill += k;
                i += k;
                if (headerFill == header.length) {
                    payloadLeft = ((header[1] & 0xffL) << 24)
                            | ((header[2] & 0xff) << 16)
                            | ((header[3] & 0xff) << 8)
                            | (header[4] & 0xff);
                    if (payloadLeft == 0) {
                        frameDone();
                    }
                }
            } else {
                int k = (int) Math.min(payloadLeft, end - i);
                payloadLeft -= k;
                i += k;
                payload += k;
                if (payloadLeft == 0) {
                    frameDone();
                }
            }
        }
        if (payload > 0) {
            claim.claim(payload);
            charged += payload;
        }
    }

    private void frameDone() {
        headerFill = 0;
        if (++frames == ServerHandshake.CLIENT_FRAMES) {
            complete = true;
        }
    }
}
