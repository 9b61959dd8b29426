package dev.claudebridge.protocol;

import java.io.IOException;
import java.util.Optional;

/**
 * The daemon's side of a call's opening (docs/PROTOCOL.md section 5): reads the caller's HELLO and
 * checks it, answers with its own HELLO, reads the REQUEST, then sends QUEUED notices and STARTED (with
 * the first stdin credit), or an ERROR. What happens between the steps (who the caller is, policy,
 * the queue) is the daemon's; the order of frames is this class's.
 *
 * <p>A caller that breaks the order or sends an undecodable frame gets a {@link HandshakeException}
 * with the code and message to answer it with ({@link #refuse}). Works over any transport: it only
 * reads frames from a {@link FrameSource} and writes them to a {@link FrameWriter}. Steps must come
 * in order; a step out of order is a bug of the caller ({@link IllegalStateException}), except that a
 * QUEUED notice after the request has started or been refused is dropped: no QUEUED follows STARTED.
 */
public final class ServerHandshake {
    /** How many frames the caller sends before it waits for STARTED: HELLO and REQUEST. */
    public static final int CLIENT_FRAMES = 2;

    private enum Step {
        NEW,
        HELLO_READ,
        ACCEPTED,
        REQUEST_READ,
        STARTED,
        DONE
    }

    private final FrameSource in;
    private final FrameWriter out;
    private final String software;
    private volatile Step step = Step.NEW;

    /** @param software this daemon's name and version, sent in its HELLO and named in a version mismatch */
    public ServerHandshake(FrameSource in, FrameWriter out, String software) {
        this.in = in;
        this.out = out;
        this.software = software;
    }

    /**
     * Reads and checks the caller's HELLO; the caller's identity (its token) is then the daemon's to
     * check before {@link #accept}.
     *
     * @return the HELLO, or empty when the caller closed before sending one
     * @throws HandshakeException {@code protocol_mismatch}: not a claude-bridge HELLO, or another version
     * @throws IOException what the transport throws (its own handshake failed, the connection broke)
     */
    public Optional<Hello> readHello() throws IOException {
        expect(Step.NEW, "readHello");
        step = Step.DONE; // unless the HELLO is right
        Hello hello;
        try {
            Optional<Frame> f = in.read();
            if (f.isEmpty()) {
                return Optional.empty();
            }
            hello = Hello.fromFrame(f.get());
        } catch (ProtocolException e) {
            throw new HandshakeException(
                    ErrorCode.PROTOCOL_MISMATCH,
                    "this is a claude-bridge daemon, and the peer did not start with a claude-bridge HELLO ("
                            + e.getMessage() + ")",
                    e);
        }
        if (hello.version() != Hello.VERSION) {
            throw new HandshakeException(
                    ErrorCode.PROTOCOL_MISMATCH,
                    "the client (" + hello.software() + ") speaks protocol version " + hello.version()
                            + ", this daemon (" + software + ") speaks version " + Hello.VERSION
                            + "; update the older of the two",
                    null);
        }
        step = Step.HELLO_READ;
        return Optional.of(hello);
    }

    /** Answers the caller's HELLO with the daemon's own: the caller may send its REQUEST. */
    public void accept() throws IOException {
        expect(Step.HELLO_READ, "accept");
        step = Step.ACCEPTED;
        out.write(new Hello(Hello.VERSION, software).toFrame());
    }

    /**
     * Reads the caller's REQUEST.
     *
     * @return the request, or empty when the caller closed before sending one
     * @throws HandshakeException {@code bad_request}: another frame, or a malformed or oversize REQUEST
     */
    public Optional<Request> readRequest() throws IOException {
        expect(Step.ACCEPTED, "readRequest");
        step = Step.DONE; // unless the REQUEST is right
        Request request;
        try {
            Optional<Frame> f = in.read();
            if (f.isEmpty()) {
                return Optional.empty();
            }
            request = Request.fromFrame(f.get());
        } catch (ProtocolException e) {
            throw new HandshakeException(ErrorCode.BAD_REQUEST, "malformed request: " + e.getMessage(), e);
        }
        step = Step.REQUEST_READ;
        return Optional.of(request);
    }

    /** Tells the caller where its request waits; dropped once the request has started or been refused. */
    public void queued(Queued notice) throws IOException {
        synchronized (out) {
            Step now = step;
            if (now == Step.STARTED || now == Step.DONE) {
                return;
            }
            expect(Step.REQUEST_READ, "queued");
            out.write(notice.toFrame());
        }
    }

    /** Sends STARTED and the first stdin credit: the process runs, and the streams begin. */
    public void start() throws IOException {
        synchronized (out) {
            expect(Step.REQUEST_READ, "start");
            step = Step.STARTED;
            out.write(Frame.empty(FrameType.STARTED));
            out.write(new StdinCredit(StdinCredit.INITIAL).toFrame());
        }
    }

    /**
     * Refuses the request (at any step), or reports a failure after STARTED: the ERROR is the last frame.
     */
    public void refuse(BridgeError error) throws IOException {
        synchronized (out) {
            step = Step.DONE;
            out.write(error.toFrame());
        }
    }

    private void expect(Step wanted, String what) {
        if (step != wanted) {
            throw new IllegalStateException(what + " called at step " + step + " of the daemon's handshake");
        }
    }
}
