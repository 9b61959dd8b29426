package dev.claudebridge.protocol;

import java.io.IOException;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The client's side of a call's opening (docs/PROTOCOL.md section 5): sends HELLO, reads the daemon's
 * HELLO (or its ERROR), sends the REQUEST, then reads QUEUED notices until STARTED or an ERROR. Each
 * step returns what the daemon said as an {@link Outcome}; a daemon that breaks the order, or a peer
 * that is no claude-bridge daemon, is a {@link ProtocolException} whose message the client prints
 * after {@code protocol_mismatch}. What follows STARTED (output, credit, EXIT) is the caller's.
 *
 * <p>Works over any transport: it only reads frames from a {@link FrameSource} and writes them to a
 * {@link FrameWriter}. Steps must come in order; calling one out of order is a bug of the caller
 * ({@link IllegalStateException}). Not thread-safe, except that other threads may write their own
 * frames (SIGNAL, RESIZE) to the same writer once the REQUEST is sent.
 */
public final class ClientHandshake {
    /** What the daemon answered at a step. */
    public sealed interface Outcome permits Greeted, Waiting, Started, Refused, Closed {}

    /** The daemon's HELLO, of this version: the REQUEST may follow. */
    public record Greeted(Hello daemon) implements Outcome {}

    /** A QUEUED notice: the request waits for a slot; more may come. */
    public record Waiting(Queued notice) implements Outcome {}

    /** STARTED: the host process runs; the call's streams begin. */
    public record Started() implements Outcome {}

    /** The daemon refused (or failed): the call ends with this error's status. */
    public record Refused(BridgeError error) implements Outcome {}

    /** The connection ended between two frames, {@code when} says at which step. */
    public record Closed(String when) implements Outcome {}

    private enum Step {
        NEW,
        GREETED,
        REQUESTED,
        DONE
    }

    private final FrameSource in;
    private final FrameWriter out;
    private Step step = Step.NEW;

    public ClientHandshake(FrameSource in, FrameWriter out) {
        this.in = in;
        this.out = out;
    }

    /**
     * Sends {@code hello} and reads the daemon's answer.
     *
     * @return {@link Greeted}, {@link Refused} or {@link Closed}
     * @throws ProtocolException when the peer answers with something other than a claude-bridge HELLO of
     *     this version, or an ERROR
     */
    public Outcome greet(Hello hello) throws IOException {
        expect(Step.NEW, "greet");
        step = Step.DONE; // unless the daemon's HELLO is right
        out.write(hello.toFrame());
        Optional<Frame> f = in.read();
        if (f.isEmpty()) {
            return new Closed("during the handshake");
        }
        if (f.get().type() == FrameType.ERROR) {
            return new Refused(BridgeError.fromFrame(f.get()));
        }
        Hello daemon;
        try {
            daemon = Hello.fromFrame(f.get());
        } catch (ProtocolException e) {
            throw new ProtocolException("the socket's peer is not a claude-bridge daemon", e);
        }
        if (daemon.version() != Hello.VERSION) {
            throw new ProtocolException("daemon (" + daemon.software() + ") speaks version " + daemon.version()
                    + ", this client speaks " + Hello.VERSION);
        }
        step = Step.GREETED;
        return new Greeted(daemon);
    }

    /** Sends the REQUEST, made beforehand (so that a caller can tell a too-large request apart). */
    public void request(Frame request) throws IOException {
        expect(Step.GREETED, "request");
        if (request.type() != FrameType.REQUEST) {
            throw new IllegalArgumentException("not a REQUEST: " + request);
        }
        step = Step.REQUESTED;
        out.write(request);
    }

    public void request(Request request) throws IOException {
        request(request.toFrame());
    }

    /**
     * Reads the daemon's next frame before the process starts.
     *
     * @return {@link Waiting} (then call again), {@link Started}, {@link Refused} or {@link Closed}
     * @throws ProtocolException on any other frame
     */
    public Outcome next() throws IOException {
        expect(Step.REQUESTED, "next");
        Optional<Frame> f = in.read();
        if (f.isEmpty()) {
            step = Step.DONE;
            return new Closed("before the process started");
        }
        switch (f.get().type()) {
            case QUEUED:
                return new Waiting(Queued.fromFrame(f.get()));
            case STARTED:
                step = Step.DONE;
                return new Started();
            case ERROR:
                step = Step.DONE;
                return new Refused(BridgeError.fromFrame(f.get()));
            default:
                step = Step.DONE;
                throw new ProtocolException("unexpected " + f.get().type() + " frame from the daemon");
        }
    }

    /**
     * Reads until the process starts or the request is refused, handing each QUEUED notice to {@code
     * queued}.
     *
     * @return {@link Started}, {@link Refused} or {@link Closed}
     */
    public Outcome awaitStart(Consumer<Queued> queued) throws IOException {
        while (true) {
            Outcome o = next();
            if (o instanceof Waiting w) {
                queued.accept(w.notice());
            } else {
                return o;
            }
        }
    }

    /**
     * The whole opening at once: {@link #greet}, {@link #request}, {@link #awaitStart}.
     *
     * @return {@link Started}, {@link Refused} or {@link Closed}
     */
    public Outcome open(Hello hello, Request request, Consumer<Queued> queued) throws IOException {
        Outcome greeted = greet(hello);
        if (!(greeted instanceof Greeted)) {
            return greeted;
        }
        request(request);
        return awaitStart(queued);
    }

    private void expect(Step wanted, String what) {
        if (step != wanted) {
            throw new IllegalStateException(what + " called at step " + step + " of the client's handshake");
        }
    }
}
