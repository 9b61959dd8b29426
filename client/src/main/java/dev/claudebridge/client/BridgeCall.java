package dev.claudebridge.client;

import dev.claudebridge.protocol.BridgeError;
import dev.claudebridge.protocol.ErrorCode;
import dev.claudebridge.protocol.Exit;
import dev.claudebridge.protocol.Frame;
import dev.claudebridge.protocol.FrameReader;
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
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
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
    private final FrameReader reader;
    // a descriptor closed when we started now holds a file of the JVM's: never write to it
    private final OutputStream stdout =
            CallerStdio.closed(1) ? OutputStream.nullOutputStream() : new FileOutputStream(FileDescriptor.out);
    private final OutputStream stderr =
            CallerStdio.closed(2) ? OutputStream.nullOutputStream() : new FileOutputStream(FileDescriptor.err);
    private final PrintStream messages = new PrintStream(stderr, true, StandardCharsets.UTF_8);
    private Optional<Terminal> terminal = Optional.empty();
    private final Credit credit = new Credit();
    private volatile Optional<NativeTerminal.RawMode> rawMode = Optional.empty();

    private BridgeCall(Connection connection, Invocation invocation) {
        this.connection = connection;
        this.invocation = invocation;
        this.writer = new FrameWriter(
                new BufferedOutputStream(connection.out(), Frame.HEADER_LENGTH + Frame.MAX_DATA_PAYLOAD));
        this.reader =
                new FrameReader(new BufferedInputStream(connection.in(), Frame.HEADER_LENGTH + Frame.MAX_DATA_PAYLOAD));
    }

    /** Runs the call and returns the status this process should exit with. */
    static int run(Invocation invocation) {
        ConnectException last = null;
        for (String socket : invocation.sockets()) {
            try (Connection c = SocketConnector.connect(socket)) {
                BridgeCall call = new BridgeCall(c, invocation);
                try {
                    return call.converse();
                } finally {
                    call.restoreTerminal(); // on every way out: the caller's shell gets its terminal back as it was
                }
            } catch (ConnectException e) {
                // only bridge_unavailable moves on to the next listed bridge; a permission problem is the user's to fix
                last = e;
                if (e.code() != ErrorCode.BRIDGE_UNAVAILABLE) {
                    break;
                }
            }
        }
        System.err.print(last.getMessage());
        System.err.flush();
        return last.code().exitStatus();
    }

    private int converse() {
        long sentAt;
        try {
            writer.write(new Hello(Hello.VERSION, "claude-bridge-client").toFrame());
            Optional<Frame> first = reader.read();
            if (first.isEmpty()) {
                return lost("the bridge closed the connection during the handshake");
            }
            if (first.get().type() == FrameType.ERROR) {
                return error(BridgeError.fromFrame(first.get()));
            }
            Hello hello;
            try {
                hello = Hello.fromFrame(first.get());
            } catch (ProtocolException e) {
                say(Messages.protocolMismatch("the socket's peer is not a claude-bridge daemon"));
                return ErrorCode.PROTOCOL_MISMATCH.exitStatus();
            }
            if (hello.version() != Hello.VERSION) {
                say(Messages.protocolMismatch("daemon (" + hello.software() + ") speaks version " + hello.version()
                        + ", this client speaks " + Hello.VERSION));
                return ErrorCode.PROTOCOL_MISMATCH.exitStatus();
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
            writer.write(request);
            sentAt = System.nanoTime();
        } catch (IOException e) {
            return lost(String.valueOf(e.getMessage()));
        } catch (ProtocolException e) {
            say(Messages.protocolMismatch(e.getMessage()));
            return ErrorCode.PROTOCOL_MISMATCH.exitStatus();
        }
        SignalForwarder.install(writer);
        StdinPump.start(writer, credit, CallerStdio.closed(0));
        return stream(sentAt);
    }

    private int stream(long sentAt) {
        boolean started = false;
        while (true) {
            try {
                Optional<Frame> next = reader.read();
                if (next.isEmpty()) {
                    return lost("the bridge closed the connection");
                }
                Frame frame = next.get();
                switch (frame.type()) {
                    case STDOUT:
                    case STDERR:
                        if (!copy(frame)) {
                            return BROKEN_PIPE_STATUS;
                        }
                        break;
                    case QUEUED:
                        if (!started && System.nanoTime() - sentAt > QUEUE_NOTICE_AFTER_NANOS) {
                            Queued q = Queued.fromFrame(frame);
                            say(
                                    q.reason().isEmpty()
                                            ? "claude-bridge: waiting for a free slot (position " + q.position()
                                                    + " of " + q.length() + ")\n"
                                            : "claude-bridge: waiting: " + printable(q.reason()) + " (position "
                                                    + q.position() + " of " + q.length() + ")\n");
                        }
                        break;
                    case STDIN_CREDIT:
                        credit.grant(StdinCredit.fromFrame(frame).bytes());
                        break;
                    case STARTED:
                        started = true;
                        terminal.ifPresent(t -> enterTerminalMode());
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

    /** Writes program output to our stdout or stderr; false when our reader has gone away. */
    private boolean copy(Frame frame) {
        try {
            (frame.type() == FrameType.STDOUT ? stdout : stderr).write(frame.payload());
            return true;
        } catch (IOException e) {
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
