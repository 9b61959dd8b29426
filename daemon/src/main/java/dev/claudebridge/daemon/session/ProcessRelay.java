package dev.claudebridge.daemon.session;

import dev.claudebridge.daemon.exec.ProcessTree;
import dev.claudebridge.daemon.exec.SpawnException;
import dev.claudebridge.daemon.exec.Termination;
import dev.claudebridge.protocol.Exit;
import dev.claudebridge.protocol.Frame;
import dev.claudebridge.protocol.FrameReader;
import dev.claudebridge.protocol.FrameWriter;
import dev.claudebridge.protocol.ProtocolException;
import dev.claudebridge.protocol.Resize;
import dev.claudebridge.protocol.ServerHandshake;
import dev.claudebridge.protocol.Signal;
import dev.claudebridge.protocol.StdinCredit;
import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running phase of a session: the process's output drained into STDOUT/STDERR frames
 * ({@link OutputDrain}), the caller's STDIN/SIGNAL frames into the process, and the exit. Output
 * readers, the sender and the stdin writer run on platform threads because they block in pipe reads
 * and writes, which would pin virtual threads; their number is bounded by the number of running
 * processes. The input loop reads the caller's frames from the connection on a virtual thread.
 */
final class ProcessRelay {
    private static final Logger LOG = LoggerFactory.getLogger("request");
    /** After the leader exits, how long its descendants may keep the output pipes open before being ended. */
    private static final long DRAIN_AFTER_EXIT_MS = 500;

    private final String id;
    private final FrameReader reader;
    private final FrameWriter writer;
    private final WriteDeadline output;
    private final ServerHandshake handshake;
    private final SessionInfo info;
    private final Duration killGrace;
    private volatile boolean finished;
    private volatile boolean callerGone;

    private final java.util.function.UnaryOperator<java.io.OutputStream> stdinGate;
    private final Window window;
    private java.util.function.UnaryOperator<java.io.InputStream> stdoutTap = in -> in;

    /** @param stdinGate what the caller's stdin passes through on its way to the process (or the stream itself) */
    private java.util.function.BooleanSupplier endedEarly = () -> false;

    ProcessRelay(
            SessionInfo info,
            FrameReader reader,
            FrameWriter writer,
            WriteDeadline output,
            ServerHandshake handshake,
            Duration killGrace,
            java.util.function.UnaryOperator<java.io.OutputStream> stdinGate,
            Window window) {
        this.stdinGate = stdinGate;
        this.window = window;
        this.id = info.id();
        this.info = info;
        this.reader = reader;
        this.writer = writer;
        this.output = output;
        this.handshake = handshake;
        this.killGrace = killGrace;
    }

    /** Has the process's stdout read through {@code tap} (a copy for the usage scanner), before {@link #relay}. */
    ProcessRelay tapOutput(java.util.function.UnaryOperator<java.io.InputStream> tap) {
        this.stdoutTap = tap;
        return this;
    }

    /** Whether the daemon itself ended the process early (a limit, a shutdown, a refused stdin line). */
    ProcessRelay endedEarly(java.util.function.BooleanSupplier early) {
        this.endedEarly = early;
        return this;
    }

    /**
     * Relays until the process has ended and its EXIT frame is sent.
     *
     * @throws IOException when the caller went away (the process tree has then been ended)
     */
    Termination relay(ProcessTree p) throws IOException {
        try {
            handshake.start(); // STARTED and the first stdin credit
            window.mark(Window.Step.ANNOUNCED);
        } catch (IOException e) {
            // the caller vanished between the spawn and its first frame: no pump or input thread runs yet
            LOG.info("id={} caller gone before the process could be announced; ending the host process tree", id);
            p.end(killGrace);
            p.forgetDescendants();
            p.releaseTerminal();
            p.releaseTerminal();
            throw e;
        }
        OutputDrain drain = new OutputDrain(
                id, writer, output, stdoutTap.apply(p.stdout()), info.outCounter(), p.stderr(), info.errCounter());
        // a virtual thread: it blocks only in socket reads, which do not pin it, and costs no platform thread
        Thread.ofVirtual().name("input-" + id).start(() -> copyInput(p));
        Termination t = p.termination().join();
        window.mark(Window.Step.EXITED);
        boolean drained = drain.awaitReaders(DRAIN_AFTER_EXIT_MS);
        window.mark(Window.Step.READ_TO_END);
        if (!drained || p.treeAlive()) {
            // the leader is gone but something it started lives on (or holds its pipes): end it, orphan nothing
            p.terminateTree(killGrace);
        }
        window.mark(Window.Step.DRAINED);
        p.forgetDescendants();
        window.mark(Window.Step.RELEASED);
        if (drain.awaitReaders(killGrace.toMillis() + 1000)) {
            p.releaseTerminal(); // no reader can still be reading it
        } else {
            LOG.warn(
                    "id={} output readers did not finish; keeping its terminal open rather than risk a reused descriptor",
                    id);
        }
        // EXIT goes after the last byte of output, however slowly the caller reads: a caller that stops
        // reading altogether is cut off by the connection's write deadline, which fails the sender
        while (!drain.awaitSent(1000) && !callerGone) {
            // the input loop notices a vanished caller and sets callerGone
        }
        finished = true;
        if (callerGone || drain.failed()) {
            p.end(killGrace);
            throw new IOException("caller disconnected");
        }
        if ((info.endedBy().isPresent() || endedEarly.getAsBoolean()) && !t.signaled() && t.value() == 0) {
            // claude exits 0 on SIGTERM; a request an operator, a limit or a shutdown ended must not look
            // like a success to its caller, so it reads as ended by that signal (the audit keeps the real
            // status)
            writer.write(new Exit(true, 15).toFrame());
        } else {
            writer.write(new Exit(t.signaled(), t.value()).toFrame());
        }
        window.mark(Window.Step.EXIT_SENT);
        return t;
    }

    /** Frames from the caller while the process runs: stdin, EOF, signals. EOF of the socket means the caller is gone. */
    private void copyInput(ProcessTree p) {
        StdinWriter stdin = new StdinWriter(stdinGate.apply(p.stdin()), "stdin-" + id, this::credit);
        try {
            while (true) {
                Optional<Frame> next = reader.read(PayloadPool.STDIN::take);
                if (next.isEmpty()) {
                    break;
                }
                Frame f = next.get();
                switch (f.type()) {
                    case STDIN -> {
                        info.inCounter().addAndGet(f.payload().length);
                        stdin.write(f.payload());
                    }
                    // on a terminal, end of input is the user's Ctrl-D, typed as a byte; closing is then a no-op
                    case STDIN_EOF -> stdin.finish();
                    case SIGNAL -> p.signalGroup(Signal.fromFrame(f).number());
                    case RESIZE -> {
                        Resize r = Resize.fromFrame(f);
                        try {
                            p.resize(r.columns(), r.rows()); // no-op in pipe mode
                        } catch (SpawnException e) {
                            LOG.debug("request {}: resize failed: {}", id, e.getMessage()); // the process is gone
                        }
                    }
                    default -> throw new ProtocolException("unexpected " + f.type() + " frame while the process runs");
                }
            }
        } catch (IOException | ProtocolException e) {
            if (!finished) {
                LOG.debug("request {}: input ended: {}", id, e.toString());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        stdin.abort();
        if (!finished) {
            callerGone = true;
            if (!p.termination().isDone() || p.treeAlive()) {
                LOG.info("id={} caller disconnected; ending the host process tree", id);
            }
            p.end(killGrace);
        }
        stdin.awaitEnd(1000);
        p.releaseTerminal(); // no stdin write or resize can reach it any more
    }

    private void credit(int bytes) {
        try {
            writer.write(new StdinCredit(bytes).toFrame());
        } catch (IOException e) {
            // the caller is gone; copyInput notices and ends the tree
        }
    }
}
