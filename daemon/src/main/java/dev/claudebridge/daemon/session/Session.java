package dev.claudebridge.daemon.session;

import dev.claudebridge.daemon.exec.ProcessTree;
import dev.claudebridge.daemon.exec.SpawnException;
import dev.claudebridge.daemon.exec.Termination;
import dev.claudebridge.daemon.exec.WorkingDirectory;
import dev.claudebridge.daemon.policy.Denial;
import dev.claudebridge.daemon.sandbox.Sandbox;
import dev.claudebridge.daemon.usage.OutputScanner;
import dev.claudebridge.daemon.usage.TokenUsage;
import dev.claudebridge.protocol.BridgeError;
import dev.claudebridge.protocol.ErrorCode;
import dev.claudebridge.protocol.FrameReader;
import dev.claudebridge.protocol.FrameWriter;
import dev.claudebridge.protocol.HandshakeException;
import dev.claudebridge.protocol.Hello;
import dev.claudebridge.protocol.Queued;
import dev.claudebridge.protocol.Request;
import dev.claudebridge.protocol.ServerHandshake;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One connection, one request: handshake, request, policy, admission, the host process, its exit.
 * Memory per session is bounded: one frame in flight per direction (at most 64 KiB of data each), the
 * buffers of the two output pumps and of the stdin copy; the kernel's socket and pipe buffers do the
 * rest, so a caller that stops reading pauses the host process instead of filling the daemon's heap.
 */
final class Session {
    /**
     * The connection's read buffer. Small, because every connection holds one from its HELLO on, queued
     * ones too (200 connections: 12 MiB of heap at 64 KiB); a data frame's payload is read past it,
     * straight into the frame's own array, so a larger one would not save a read.
     */
    static final int INPUT_BUFFER = 8 * 1024;
    /**
     * The buffer the frame writer fills, held from accept on like the read buffer. Control frames fit
     * it whole; on a Unix socket output payloads bypass it ({@code OutputDrain}'s single write), and
     * elsewhere a payload larger than it is written past it, after the header.
     */
    static final int OUTPUT_BUFFER = 8 * 1024;

    private static final Logger LOG = LoggerFactory.getLogger("request");

    private final SessionInfo info;
    private final BridgeSettings settings;
    private final Admission admission;
    private final SessionListener listener;
    private final Conversations conversations;
    private final Sandbox sandbox;
    private final Launcher launcher;
    private final FrameReader reader;
    private final FrameWriter writer;
    private final ServerHandshake handshake;
    private final Window window = new Window();
    private volatile ProcessTree process;
    private final WriteDeadline output;
    private final PeerCheck check;

    Session(
            SessionInfo info,
            BridgeSettings settings,
            String software,
            Admission admission,
            SessionListener listener,
            Conversations conversations,
            Sandbox sandbox,
            Launcher launcher,
            InputStream in,
            OutputStream out,
            Optional<java.nio.channels.WritableByteChannel> rawOut,
            PeerCheck check) {
        this.info = info;
        this.check = check;
        this.settings = settings;
        this.admission = admission;
        this.listener = listener;
        this.conversations = conversations;
        this.sandbox = sandbox;
        this.launcher = launcher;
        this.reader = new FrameReader(new BufferedInputStream(in, INPUT_BUFFER));
        this.output = new WriteDeadline(out, rawOut, admission.writeDeadline());
        this.writer = new FrameWriter(new BufferedOutputStream(output, OUTPUT_BUFFER));
        this.handshake = new ServerHandshake(reader, writer, software);
    }

    void run() {
        listener.accepted(info);
        try {
            converse();
        } finally {
            output.release();
            window.log(info.id());
            if (info.ended().isEmpty()) {
                info.end("internal", "session ended without an outcome", null);
            }
            listener.finished(info);
            Request r = info.request().orElse(null);
            LOG.info(
                    "id={} peer={} client={} argc={} cwd={} outcome={} in={}B out={}B err={}B duration={}ms",
                    info.id(),
                    info.peer(),
                    r == null ? "-" : r.clientName(),
                    r == null ? 0 : r.argv().size(),
                    r == null ? "-" : r.cwd(),
                    info.termination().map(Termination::toString).orElse(info.outcome()),
                    info.bytesIn(),
                    info.bytesOut(),
                    info.bytesErr(),
                    Duration.between(info.accepted(), info.ended().orElseThrow())
                            .toMillis());
        }
    }

    private void converse() {
        try {
            if (!handshake()) {
                return;
            }
            window.mark(Window.Step.HELLO);
            Optional<dev.claudebridge.daemon.policy.Profile> profile = settings.profileFor(info.peer());
            profile.ifPresent(p -> info.profile(p.config()));
            Optional<Request> request = readRequest();
            if (request.isEmpty()) {
                return;
            }
            info.request(request.get());
            window.mark(Window.Step.REQUEST);
            try (Plan plan = window.after(
                            Window.Step.POLICY,
                            Plan.of(settings, profile, info.peer(), request.get(), info.id(), conversations, sandbox));
                    Admission.Permit permit = admission.admit(info, queueNotice());
                    WorkingDirectory dir = plan.pinPaths()) {
                info.hostCwd(dir.path()); // the directory the process is started in, opened after any wait in the queue
                info.envPassed(plan.envPassed());
                info.markAdmitted();
                window.mark(Window.Step.ADMITTED);
                listener.starting(info);
                // after the start record's force, which on most filesystems already carried the claim's line
                ConversationControl.awaitRecorded(conversations);
                // a sandboxed claude keeps its transcripts in the caller's own configuration directory
                Optional<dev.claudebridge.daemon.usage.Transcript> transcript =
                        dev.claudebridge.daemon.usage.Transcript.before(
                                plan.spec().command(),
                                plan.confined()
                                        .map(c -> java.util.Map.of(
                                                "CLAUDE_CONFIG_DIR",
                                                c.configDir().toString()))
                                        .orElse(plan.spec().env()),
                                dir.path());
                window.mark(Window.Step.AUDIT);
                ProcessTree p = launcher.launch(plan.spec(), request.get(), dir);
                window.mark(Window.Step.SPAWN);
                process = p;
                dev.claudebridge.daemon.exec.TreeIdentity.of(p.pid()).ifPresent(info::tree);
                dir.close(); // the child holds the directory now
                info.markStarted();
                listener.started(info);
                permit.running(this::stop);
                Request r = request.get();
                java.util.function.UnaryOperator<java.io.OutputStream> stdin = ControlGate.applies(r.argv())
                        ? in -> new ControlGate(in, profile.orElseThrow().arguments(), r.cwd(), this::refusedOnStdin)
                        : in -> in;
                Optional<OutputScanner> scanner =
                        OutputScanner.wanted(r.argv(), r.terminal().isPresent())
                                ? Optional.of(new OutputScanner(state -> listener.rateLimit(info, state)))
                                : Optional.empty();
                scanner.ifPresent(sc -> info.usageSoFar(sc::usage));
                try {
                    Termination t = new ProcessRelay(
                                    info, reader, writer, output, handshake, settings.killGrace(), stdin, window)
                            .tapOutput(in -> scanner.map(sc -> sc.tap(in)).orElse(in))
                            .endedEarly(() -> stopReason != null)
                            .relay(p);
                    Denial d = stdinRefusal;
                    if (d != null) {
                        info.end(d.code().wireName(), d.getMessage(), t);
                    } else {
                        String why = stopReason; // a limit, a shutdown or an operator ended it early
                        info.end(t.signaled() ? "signal" : "exit", why == null ? "" : why, t);
                    }
                } finally {
                    // whatever went wrong, nothing of this request outlives it (and its slot is not freed before)
                    p.end(settings.killGrace());
                    info.usage(scanner.flatMap(OutputScanner::usage)
                            .or(() -> transcript.flatMap(tr -> tr.usage(state -> listener.rateLimit(info, state))))
                            .orElse(TokenUsage.NONE));
                }
            }
        } catch (Refusal e) {
            info.rule(e.rule());
            refuse(e.code(), e.getMessage());
        } catch (Denial e) {
            info.rule(e.rule());
            refuse(e.code(), e.getMessage());
        } catch (SpawnException e) {
            refuse(ErrorCode.SPAWN_FAILED, "could not start claude on the host: " + e.getMessage());
        } catch (IOException | UncheckedIOException e) {
            info.end(
                    ErrorCode.CONNECTION_LOST.wireName(),
                    output.expired()
                            ? "caller stopped reading: no output taken within the write deadline of "
                                    + output.deadline().toSeconds() + "s"
                            : "caller disconnected",
                    process == null ? null : process.termination().getNow(null));
        } catch (RuntimeException e) {
            LOG.error("request {} failed unexpectedly", info.id(), e);
            refuse(
                    ErrorCode.INTERNAL,
                    "internal error in the bridge daemon (request " + info.id() + "); see the daemon's log");
        }
    }

    /** Reads the caller's HELLO and answers it; false (after telling the caller why) on a mismatch. */
    private boolean handshake() throws IOException {
        Optional<Hello> hello;
        try {
            hello = handshake.readHello();
        } catch (PeerRefused e) {
            info.rule("transport");
            info.end(e.code().wireName(), e.getMessage(), null); // no frame reaches a peer whose handshake failed
            return false;
        } catch (HandshakeException e) {
            refuse(e.code(), e.getMessage());
            return false;
        }
        if (hello.isEmpty()) {
            info.end(ErrorCode.CONNECTION_LOST.wireName(), "closed before the handshake", null);
            return false;
        }
        info.peer(check.check(info.peer(), hello.get().token(), settings)); // a Refusal is answered as any other
        handshake.accept();
        return true;
    }

    private Optional<Request> readRequest() throws IOException {
        try {
            Optional<Request> r = handshake.readRequest();
            if (r.isEmpty()) {
                info.end(ErrorCode.CONNECTION_LOST.wireName(), "closed before the request", null);
            }
            return r;
        } catch (HandshakeException e) {
            refuse(e.code(), e.getMessage());
            return Optional.empty();
        }
    }

    private Admission.QueueNotice queueNotice() {
        return new Admission.QueueNotice() {
            @Override
            public void position(long position, long length) {
                queued(position, length, "");
            }

            @Override
            public void position(long position, long length, String reason) {
                queued(position, length, reason);
            }
        };
    }

    private void queued(long position, long length, String reason) {
        try {
            handshake.queued(new Queued(position, length, reason));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private volatile Denial stdinRefusal;
    /** Why the daemon ended the process early, for the end record; the first reason wins. */
    private volatile String stopReason;

    /** A stream-json line on stdin the profile does not allow: the run ends, and its record says why. */
    private void refusedOnStdin(Denial d) {
        stdinRefusal = d;
        info.rule(d.rule());
        Thread.ofVirtual().start(() -> stop("refused: " + d.getMessage())); // not on the stdin writer's thread
    }

    /**
     * Ends the running process tree for an operator, telling the caller who did; false when no process
     * runs (still queued or starting, or over).
     */
    boolean endBy(Operator by) {
        if (process == null || info.ended().isPresent()) {
            return false;
        }
        info.endedBy(by);
        Thread.ofVirtual()
                .name("end-" + info.id())
                .start(() -> stop("an operator (" + by.name() + ") ended this request"));
        return true;
    }

    void terminate(Duration grace) {
        ProcessTree p = process;
        if (p != null) {
            p.end(grace);
        }
    }

    /**
     * Ends the process early for a limit or a shutdown: the reason goes to the caller's stderr first (it
     * must precede the EXIT frame), waiting at most a second for a caller that does not read.
     */
    private void stop(String reason) {
        if (stopReason == null) {
            stopReason = reason;
        }
        output.shorten(
                WriteDeadline.AFTER_END); // the slot comes back within seconds even if the caller stopped reading
        String eol = info.request().flatMap(Request::terminal).isPresent()
                ? "\r\n"
                : "\n"; // a raw-mode terminal needs the \r
        byte[] line = ("claude-bridge: " + reason + eol).getBytes(java.nio.charset.StandardCharsets.UTF_8);
        Thread tell = Thread.ofVirtual().start(() -> {
            try {
                writer.write(dev.claudebridge.protocol.FrameType.STDERR, line, 0, line.length);
            } catch (IOException e) {
                // the caller is gone; the process is ended all the same
            }
        });
        try {
            tell.join(Duration.ofSeconds(1));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        terminate(settings.killGrace());
    }

    SessionInfo info() {
        return info;
    }

    /** Records the refusal and tells the caller; the caller may already be gone. */
    private void refuse(ErrorCode code, String message) {
        info.end(code.wireName(), message, null);
        try {
            handshake.refuse(BridgeError.of(code, message));
        } catch (IOException e) {
            // the caller is gone; the outcome is recorded all the same
        }
    }
}
