package dev.claudebridge.daemon.session;

import dev.claudebridge.daemon.exec.ClaudeCommand;
import dev.claudebridge.daemon.exec.HostProcess;
import dev.claudebridge.daemon.exec.ProcessSpec;
import dev.claudebridge.daemon.exec.SpawnException;
import dev.claudebridge.daemon.exec.Termination;
import dev.claudebridge.daemon.policy.PolicyException;
import dev.claudebridge.protocol.BridgeError;
import dev.claudebridge.protocol.ErrorCode;
import dev.claudebridge.protocol.Exit;
import dev.claudebridge.protocol.Frame;
import dev.claudebridge.protocol.FrameReader;
import dev.claudebridge.protocol.FrameType;
import dev.claudebridge.protocol.FrameWriter;
import dev.claudebridge.protocol.Hello;
import dev.claudebridge.protocol.ProtocolException;
import dev.claudebridge.protocol.Request;
import dev.claudebridge.protocol.Signal;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One connection, one request: handshake, request, policy, the host process, its exit. Memory per
 * session is bounded: one frame in flight per direction (at most 64 KiB of data each), the buffers of
 * the two output pumps and of the stdin copy; the socket and pipe buffers of the kernel do the rest,
 * so a caller that stops reading pauses the host process instead of filling the daemon's heap.
 */
final class Session {
    private static final Logger LOG = LoggerFactory.getLogger("request");
    /** After the leader exits, how long its descendants may keep the output pipes open before being ended. */
    private static final long DRAIN_AFTER_EXIT_MS = 500;

    private final String id;
    private final BridgeSettings settings;
    private final String software;
    private final FrameReader reader;
    private final FrameWriter writer;
    private final String peer;
    private final AtomicLong bytesIn = new AtomicLong();
    private final AtomicLong bytesOut = new AtomicLong();
    private volatile HostProcess process;
    private volatile boolean finished;
    private volatile boolean clientGone;

    Session(String id, BridgeSettings settings, String software, InputStream in, OutputStream out, String peer) {
        this.id = id;
        this.settings = settings;
        this.software = software;
        this.reader = new FrameReader(new BufferedInputStream(in, Frame.HEADER_LENGTH + Frame.MAX_DATA_PAYLOAD));
        this.writer = new FrameWriter(new BufferedOutputStream(out, Frame.HEADER_LENGTH + Frame.MAX_DATA_PAYLOAD));
        this.peer = peer;
    }

    void run() {
        long start = System.nanoTime();
        Request request = null;
        String outcome = "?";
        Path scratch = null;
        try {
            if (!handshake()) {
                outcome = "protocol_mismatch";
                return;
            }
            request = readRequest();
            if (request == null) {
                outcome = "bad_request";
                return;
            }
            ClaudeCommand claude = settings.claude().locate().orElseThrow(() -> new PolicyException(ErrorCode.CLAUDE_NOT_FOUND,
                    "claude is not installed on the host (the bridge looked in " + settings.claude().candidates()
                            + "). Install Claude Code on the host, or start the daemon with --claude PATH."));
            Path cwd;
            if (settings.paths().isEmpty()) {
                // no mapping configured: the caller's directory means nothing on the host, so run in an empty private one
                scratch = Files.createTempDirectory("claude-bridge-" + id + "-", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
                cwd = scratch;
            } else {
                cwd = settings.paths().mapDirectory(request.cwd());
            }
            List<String> command = new ArrayList<>(claude.prefix());
            command.addAll(request.argv());
            ProcessSpec spec = new ProcessSpec(command, settings.env().processEnvironment(settings.daemonEnv(), request.env()), cwd);
            Termination t = execute(spec);
            outcome = t.toString();
        } catch (PolicyException e) {
            outcome = e.code().wireName();
            sendError(e.code(), e.getMessage());
        } catch (SpawnException e) {
            outcome = "spawn_failed";
            sendError(ErrorCode.SPAWN_FAILED, "could not start claude on the host: " + e.getMessage());
        } catch (IOException e) {
            outcome = "connection_lost";
        } catch (RuntimeException e) {
            outcome = "internal";
            LOG.error("request {} failed unexpectedly", id, e);
            sendError(ErrorCode.INTERNAL, "internal error in the bridge daemon (request " + id + "); see the daemon's log");
        } finally {
            deleteQuietly(scratch);
            LOG.info("id={} peer={} client={} argc={} cwd={} outcome={} in={}B out={}B duration={}ms", id, peer,
                    request == null ? "-" : request.clientName(), request == null ? 0 : request.argv().size(),
                    request == null ? "-" : request.cwd(), outcome, bytesIn.get(), bytesOut.get(),
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
        }
    }

    /** Reads the caller's HELLO and answers it; false (after telling the caller why) on a mismatch. */
    private boolean handshake() throws IOException {
        Hello hello;
        try {
            Optional<Frame> f = reader.read();
            if (f.isEmpty()) {
                return false;
            }
            hello = Hello.fromFrame(f.get());
        } catch (ProtocolException e) {
            sendError(ErrorCode.PROTOCOL_MISMATCH, "this is a claude-bridge daemon, and the peer did not start with a claude-bridge HELLO ("
                    + e.getMessage() + ")");
            return false;
        }
        if (hello.version() != Hello.VERSION) {
            sendError(ErrorCode.PROTOCOL_MISMATCH, "the client (" + hello.software() + ") speaks protocol version " + hello.version()
                    + ", this daemon (" + software + ") speaks version " + Hello.VERSION + "; update the older of the two");
            return false;
        }
        writer.write(new Hello(Hello.VERSION, software).toFrame());
        return true;
    }

    private Request readRequest() throws IOException {
        try {
            Optional<Frame> f = reader.read();
            if (f.isEmpty()) {
                return null;
            }
            return Request.fromFrame(f.get());
        } catch (ProtocolException e) {
            sendError(ErrorCode.BAD_REQUEST, "malformed request: " + e.getMessage());
            return null;
        }
    }

    private Termination execute(ProcessSpec spec) throws IOException {
        HostProcess p = HostProcess.start(spec);
        process = p;
        writer.write(Frame.empty(FrameType.STARTED));
        Thread out = pump(p.stdout(), FrameType.STDOUT);
        Thread err = pump(p.stderr(), FrameType.STDERR);
        Thread input = Thread.ofPlatform().daemon().name("input-" + id).start(() -> copyInput(p));
        Termination t = p.termination().join();
        if (!joined(out, err, DRAIN_AFTER_EXIT_MS) || p.groupAlive()) {
            // the leader is gone but something it started lives on (or holds its pipes): end it, orphan nothing
            p.terminateTree(settings.killGrace());
        }
        joined(out, err, settings.killGrace().toMillis() + 1000);
        finished = true;
        if (clientGone) {
            throw new IOException("caller disconnected");
        }
        writer.write(new Exit(t.signaled(), t.value()).toFrame());
        return t;
    }

    /** Frames from the caller while the process runs: stdin, EOF, signals. EOF of the socket means the caller is gone. */
    private void copyInput(HostProcess p) {
        OutputStream stdin = p.stdin();
        boolean stdinOpen = true;
        try {
            while (true) {
                Optional<Frame> next = reader.read();
                if (next.isEmpty()) {
                    break;
                }
                Frame f = next.get();
                switch (f.type()) {
                    case STDIN -> {
                        bytesIn.addAndGet(f.payload().length);
                        if (stdinOpen) {
                            try {
                                stdin.write(f.payload());
                                stdin.flush();
                            } catch (IOException e) {
                                stdinOpen = false; // the process closed its stdin; later input is dropped, as a pipe would
                            }
                        }
                    }
                    case STDIN_EOF -> {
                        stdinOpen = false;
                        SessionEngine.closeQuietly(stdin);
                    }
                    case SIGNAL -> p.signalGroup(Signal.fromFrame(f).number());
                    case RESIZE -> {
                        // pipe mode has no terminal to resize
                    }
                    default -> throw new ProtocolException("unexpected " + f.type() + " frame while the process runs");
                }
            }
        } catch (IOException | ProtocolException e) {
            if (!finished) {
                LOG.debug("request {}: input ended: {}", id, e.toString());
            }
        }
        SessionEngine.closeQuietly(stdin);
        if (!finished) {
            clientGone = true;
            if (p.termination().isDone() && !p.groupAlive()) {
                return;
            }
            LOG.info("id={} caller disconnected; ending the host process tree", id);
            p.terminateTree(settings.killGrace());
        }
    }

    private Thread pump(InputStream from, FrameType type) {
        return Thread.ofPlatform().daemon().name(type.name().toLowerCase() + "-" + id).start(() -> {
            byte[] buf = new byte[Frame.MAX_DATA_PAYLOAD / 2];
            try (from) {
                int n;
                while ((n = from.read(buf)) >= 0) {
                    writer.write(type, buf, 0, n);
                    bytesOut.addAndGet(n);
                }
            } catch (IOException e) {
                // the caller is gone (copyInput ends the tree) or the pipe broke: stop pumping
            }
        });
    }

    private static boolean joined(Thread a, Thread b, long millis) {
        long deadline = System.currentTimeMillis() + millis;
        try {
            a.join(Math.max(1, deadline - System.currentTimeMillis()));
            b.join(Math.max(1, deadline - System.currentTimeMillis()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return !a.isAlive() && !b.isAlive();
    }

    void terminate(Duration grace) {
        HostProcess p = process;
        if (p != null) {
            p.terminateTree(grace);
        }
    }

    private void sendError(ErrorCode code, String message) {
        try {
            writer.write(BridgeError.of(code, message).toFrame());
        } catch (IOException e) {
            // the caller is gone; the log line records the outcome
        }
    }

    private static void deleteQuietly(Path dir) {
        if (dir == null) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a leftover empty temp directory is harmless
        }
    }
}
