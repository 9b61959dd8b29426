package dev.claudebridge.client;

import dev.claudebridge.protocol.BridgeError;
import dev.claudebridge.protocol.ClientHandshake;
import dev.claudebridge.protocol.ErrorCode;
import dev.claudebridge.protocol.Exit;
import dev.claudebridge.protocol.Frame;
import dev.claudebridge.protocol.FrameType;
import dev.claudebridge.protocol.FrameWriter;
import dev.claudebridge.protocol.Hello;
import dev.claudebridge.protocol.ProtocolException;
import dev.claudebridge.protocol.Queued;
import dev.claudebridge.protocol.Request;
import dev.claudebridge.protocol.Resize;
import dev.claudebridge.protocol.StdinCredit;
import dev.claudebridge.protocol.Terminal;
import dev.claudebridge.protocol.TooLongFrameException;
import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.channels.Channels;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/** One call through the bridge: handshake, request, then streams until the host process ends. */
final class BridgeCall {
    /** A shell's status for a process killed by SIGPIPE: what a local claude gets when its reader goes away. */
    static final int BROKEN_PIPE_STATUS = 128 + 13;

    private static final long QUEUE_NOTICE_AFTER_NANOS = 1_000_000_000L;

    private final Connection connection;
    private final Invocation invocation;
    private final FrameWriter writer;
    private final FrameInput reader;
    // a descriptor closed when we started now holds a file of the JVM's: never write to it
    private final OutputStream stderr =
            CallerStdio.closed(2) ? OutputStream.nullOutputStream() : new FileOutputStream(FileDescriptor.err);
    // output is written from the reader's direct buffer: a FileOutputStream's channel writes it as it is
    private final WritableByteChannel stdoutChannel = Channels.newChannel(
            CallerStdio.closed(1) ? OutputStream.nullOutputStream() : new FileOutputStream(FileDescriptor.out));
    private final WritableByteChannel stderrChannel = Channels.newChannel(stderr);
    private final PrintStream messages = new PrintStream(stderr, true, StandardCharsets.UTF_8);
    private Optional<Terminal> terminal = Optional.empty();
    private final Credit credit = new Credit();
    private volatile Optional<NativeTerminal.RawMode> rawMode = Optional.empty();

    private final String bridge;

    private BridgeCall(Connection connection, Invocation invocation, String bridge) {
        this.connection = connection;
        this.bridge = bridge;
        this.invocation = invocation;
        this.writer = new FrameWriter(
                new BufferedOutputStream(connection.out(), Frame.HEADER_LENGTH + Frame.MAX_DATA_PAYLOAD));
        // the JNI helper's FileInputStream becomes its FileChannel: reads go into the direct buffer as they are
        this.reader = new FrameInput(Channels.newChannel(connection.in()));
    }

    /** Runs the call and returns the status this process should exit with. */
    static int run(Invocation invocation) {
        ConnectException last = null;
        for (String bridge : invocation.sockets()) {
            try (Connection c = bridge.startsWith("tls://")
                    ? TlsConnector.connect(bridge, invocation.env())
                    : bridge.startsWith("wss://")
                            ? WebSocketConnector.connect(bridge, invocation.env())
                            : SocketConnector.connect(bridge)) {
                BridgeCall call = new BridgeCall(c, invocation, bridge);
                try {
                    return call.converse();
                } finally {
                    call.restoreTerminal(); // on every way out: the caller's shell gets its terminal back as it was
                }
            } catch (ConnectException e) {
                // nothing was sent yet: an unreachable bridge, or a TLS one whose handshake failed, moves on to the
                // next listed bridge; a permission problem is the user's to fix. The first specific failure is told.
                if (last == null || last.code() == ErrorCode.BRIDGE_UNAVAILABLE) {
                    last = e;
                }
                if (e.code() == ErrorCode.PERMISSION_DENIED) {
                    break;
                }
            }
        }
        System.err.print(last.getMessage());
        System.err.flush();
        return last.code().exitStatus();
    }

    private int converse() {
        ClientHandshake handshake = new ClientHandshake(this::read, writer);
        long sentAt;
        try {
            ClientHandshake.Outcome greeted;
            try {
                greeted = handshake.greet(new Hello(Hello.VERSION, "claude-bridge-client", connection.token()));
            } catch (javax.net.ssl.SSLException e) {
                // TLS 1.3: the bridge's verdict on this client's certificate comes after the client's handshake
                ConnectException refused = TlsConnector.alert(bridge, String.valueOf(e.getMessage()));
                say(refused.getMessage());
                return refused.code().exitStatus();
            }
            if (!(greeted instanceof ClientHandshake.Greeted)) {
                return ended(greeted);
            }
            Frame request;
            try {
                // the TERM the host's terminal gets: the caller's own, or none (empty) as a local claude would have
                terminal = NativeTerminal.interactive(invocation.env().getOrDefault("TERM", ""));
                request = new Request(
                                invocation.argv(),
                                invocation.env(),
                                invocation.cwd(),
                                terminal,
                                invocation.clientName(),
                                CallerStdio.current())
                        .toFrame();
            } catch (TooLongFrameException e) {
                say(Messages.badArgument("the arguments and environment are larger than the " + Frame.MAX_PAYLOAD
                        + "-byte request limit"));
                return ErrorCode.BAD_REQUEST.exitStatus();
            }
            handshake.request(request);
            sentAt = System.nanoTime();
            // signals and stdin EOF may go out while the request waits; stdin itself waits for credit
            SignalForwarder.install(writer);
            StdinPump.start(writer, Channels.newChannel(connection.out()), credit, CallerStdio.closed(0));
            ClientHandshake.Outcome start = handshake.awaitStart(q -> queued(q, sentAt));
            if (!(start instanceof ClientHandshake.Started)) {
                return ended(start);
            }
            terminal.ifPresent(t -> enterTerminalMode());
        } catch (IOException e) {
            return lost(String.valueOf(e.getMessage()));
        } catch (ProtocolException e) {
            say(Messages.protocolMismatch(e.getMessage()));
            connection.close();
            return ErrorCode.PROTOCOL_MISMATCH.exitStatus();
        }
        return stream();
    }

    /** The status of a handshake that ended before the process started: refused, or the connection closed. */
    private int ended(ClientHandshake.Outcome outcome) {
        if (outcome instanceof ClientHandshake.Refused r) {
            return error(r.error());
        }
        ClientHandshake.Closed c = (ClientHandshake.Closed) outcome;
        return lost(
                c.when().equals("during the handshake")
                        ? "the bridge closed the connection during the handshake"
                        : "the bridge closed the connection");
    }

    /** A notice on stderr only when the wait has lasted: most waits are too short to be worth a line. */
    private void queued(Queued q, long sentAt) {
        if (System.nanoTime() - sentAt > QUEUE_NOTICE_AFTER_NANOS) {
            say(
                    q.reason().isEmpty()
                            ? "claude-bridge: waiting for a free slot (position " + q.position() + " of " + q.length()
                                    + ")\n"
                            : "claude-bridge: waiting: " + printable(q.reason()) + " (position " + q.position() + " of "
                                    + q.length() + ")\n");
        }
    }

    private int stream() {
        while (true) {
            try {
                FrameType type = reader.next();
                if (type == null) {
                    return lost("the bridge closed the connection");
                }
                if (type == FrameType.STDOUT || type == FrameType.STDERR) {
                    if (!copy(type)) {
                        return BROKEN_PIPE_STATUS;
                    }
                    continue;
                }
                Frame frame = reader.payload(type);
                switch (frame.type()) {
                    case QUEUED:
                        // an older daemon's queue could send a notice just after STARTED: harmless, so tolerated
                        break;
                    case STDIN_CREDIT:
                        credit.grant(StdinCredit.fromFrame(frame).bytes());
                        break;
                    case EXIT:
                        return Exit.fromFrame(frame).shellStatus();
                    case ERROR:
                        return error(BridgeError.fromFrame(frame));
                    default:
                        throw new ProtocolException("unexpected " + frame.type() + " frame from the daemon");
                }
            } catch (IOException e) {
                return lost(String.valueOf(e.getMessage()));
            } catch (ProtocolException e) {
                // a frame this client cannot decode: the daemon speaks something else
                say(Messages.protocolMismatch(e.getMessage()));
                connection.close();
                return ErrorCode.PROTOCOL_MISMATCH.exitStatus();
            }
        }
    }

    /** The next frame whole, or empty when the daemon closed the connection between two frames. */
    private Optional<Frame> read() throws IOException {
        FrameType type = reader.next();
        return type == null ? Optional.empty() : Optional.of(reader.payload(type));
    }

    /**
     * Writes program output to our stdout or stderr; false when our reader has gone away.
     *
     * @throws IOException when the connection failed
     */
    private boolean copy(FrameType type) throws IOException {
        try {
            reader.copyPayload(type, type == FrameType.STDOUT ? stdoutChannel : stderrChannel);
            return true;
        } catch (FrameInput.OutputFailed e) {
            // closing the connection ends the host process, as SIGPIPE would end a local one
            connection.close();
            return false;
        }
    }

    /** The daemon's words with control characters made harmless: the notice prints on the caller's terminal. */
    private static String printable(String s) {
        StringBuilder b = new StringBuilder(s.length());
        s.codePoints().forEach(c -> b.appendCodePoint(Character.isISOControl(c) ? '?' : c));
        return b.toString();
    }

    private int error(BridgeError e) {
        String text = e.message().endsWith("\n") ? e.message() : e.message() + "\n";
        say("claude-bridge: " + text);
        return e.exitStatus();
    }

    private int lost(String detail) {
        say(Messages.connectionLost(detail));
        return ErrorCode.CONNECTION_LOST.exitStatus();
    }

    /** Prints a message of the client's own, on a terminal in its normal mode. */
    private void say(String text) {
        restoreTerminal();
        messages.print(text);
    }

    /** Raw mode for the remote terminal, and window-size changes forwarded as RESIZE frames. */
    private void enterTerminalMode() {
        rawMode = NativeTerminal.enterRaw();
        try {
            sun.misc.Signal.handle(new sun.misc.Signal("WINCH"), sig -> sendSize());
        } catch (IllegalArgumentException e) {
            // no SIGWINCH on this JVM: the window keeps its first size
        }
        // the window may have changed while the request waited in the queue
        Terminal now = NativeTerminal.size("");
        Terminal sent = terminal.orElseThrow();
        if (now.columns() != sent.columns() || now.rows() != sent.rows()) {
            sendSize();
        }
    }

    private void sendSize() {
        try {
            Terminal now = NativeTerminal.size("");
            writer.write(new Resize(now.columns(), now.rows()).toFrame());
        } catch (IOException e) {
            // connection gone: the main thread reports it
        }
    }

    void restoreTerminal() {
        rawMode.ifPresent(NativeTerminal.RawMode::restore);
        rawMode = Optional.empty();
    }
}
