package dev.claudebridge.it;

import dev.claudebridge.protocol.BridgeError;
import dev.claudebridge.protocol.ClientHandshake;
import dev.claudebridge.protocol.Exit;
import dev.claudebridge.protocol.Frame;
import dev.claudebridge.protocol.FrameReader;
import dev.claudebridge.protocol.FrameType;
import dev.claudebridge.protocol.FrameWriter;
import dev.claudebridge.protocol.Hello;
import dev.claudebridge.protocol.Queued;
import dev.claudebridge.protocol.Request;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A client that speaks the wire protocol itself (its opening through the protocol's {@link
 * ClientHandshake}), so a test can hold hundreds of calls open without a JVM each, and see every frame
 * (QUEUED, STARTED) with the time it arrived.
 */
final class LoadClient implements AutoCloseable {
    private final SocketChannel ch;
    private final FrameReader reader;
    private final FrameWriter writer;
    private final ClientHandshake handshake;
    private final ByteArrayOutputStream stdout = new ByteArrayOutputStream();
    private final ByteArrayOutputStream stderr = new ByteArrayOutputStream();
    private final List<Queued> notices = new ArrayList<>();
    private long firstQueuedNanos;
    private long startedNanos;
    /** The request is sent and the daemon has not yet said STARTED, ERROR or closed: the handshake reads. */
    private boolean waiting;

    private boolean ended;
    private Exit exit;
    private BridgeError error;

    private LoadClient(SocketChannel ch) {
        this.ch = ch;
        this.reader = new FrameReader(new BufferedInputStream(Channels.newInputStream(ch), 1 << 17));
        this.writer = new FrameWriter(Channels.newOutputStream(ch));
        this.handshake = new ClientHandshake(reader, writer);
    }

    static LoadClient connect(Path socket) {
        try {
            return new LoadClient(SocketChannel.open(UnixDomainSocketAddress.of(socket)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Connects, exchanges HELLOs and sends the REQUEST (cwd "/", no variables); the answer to it is read by
     * the other methods.
     */
    static LoadClient call(Path socket, String clientName, String... argv) {
        LoadClient c = connect(socket);
        try {
            ClientHandshake.Outcome greeted = c.handshake.greet(new Hello(Hello.VERSION, "load-client"));
            if (greeted instanceof ClientHandshake.Greeted) {
                c.handshake.request(new Request(List.of(argv), Map.of(), "/", Optional.empty(), clientName));
                c.waiting = true;
            } else {
                c.end(greeted);
            }
        } catch (IOException e) {
            c.ended = true; // the daemon closed the connection
        }
        return c;
    }

    /** Reads until the request is queued or started (or refused); true unless it ended. */
    boolean awaitQueuedOrStarted() {
        if (!waiting) {
            drain(); // nothing requested (or already started): whatever comes, up to the end
            return startedNanos != 0 && !ended;
        }
        ClientHandshake.Outcome o = next();
        return o instanceof ClientHandshake.Waiting || o instanceof ClientHandshake.Started;
    }

    /** Reads until STARTED (true) or the end. */
    boolean awaitStarted() {
        while (waiting) {
            next();
        }
        return startedNanos != 0 && !ended;
    }

    /** One step of the wait for a slot, noted as it comes. */
    private ClientHandshake.Outcome next() {
        try {
            ClientHandshake.Outcome o = handshake.next();
            if (o instanceof ClientHandshake.Waiting w) {
                notices.add(w.notice());
                if (firstQueuedNanos == 0) {
                    firstQueuedNanos = System.nanoTime();
                }
            } else if (o instanceof ClientHandshake.Started) {
                startedNanos = System.nanoTime();
                waiting = false;
            } else {
                end(o);
            }
            return o;
        } catch (IOException e) {
            waiting = false;
            ended = true; // the daemon closed the connection
            return new ClientHandshake.Closed(String.valueOf(e.getMessage()));
        }
    }

    private void end(ClientHandshake.Outcome o) {
        waiting = false;
        ended = true;
        if (o instanceof ClientHandshake.Refused r) {
            error = r.error();
        }
    }

    void stdin(byte[] data) {
        write(new Frame(FrameType.STDIN, data));
    }

    void closeStdin() {
        write(Frame.empty(FrameType.STDIN_EOF));
    }

    private void write(Frame f) {
        try {
            writer.write(f);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads to the last frame. */
    Outcome finish() {
        awaitStarted();
        drain();
        close();
        return new Outcome(
                Optional.ofNullable(exit),
                Optional.ofNullable(error),
                stdout.toByteArray(),
                stderr.toByteArray(),
                List.copyOf(notices),
                firstQueuedNanos,
                startedNanos);
    }

    /** Reads the call's streams to EXIT, ERROR or the connection's end. */
    private void drain() {
        while (!ended) {
            Optional<Frame> f;
            try {
                f = reader.read();
            } catch (IOException e) {
                f = Optional.empty(); // the daemon closed the connection
            }
            if (f.isEmpty()) {
                ended = true;
                break;
            }
            switch (f.get().type()) {
                case STDOUT -> stdout.writeBytes(f.get().payload());
                case STDERR -> stderr.writeBytes(f.get().payload());
                case EXIT -> {
                    exit = Exit.fromFrame(f.get());
                    ended = true;
                }
                case ERROR -> {
                    error = BridgeError.fromFrame(f.get());
                    ended = true;
                }
                default -> {}
            }
        }
    }

    @Override
    public void close() {
        try {
            ch.close();
        } catch (IOException e) {
            // already closed
        }
    }

    /** How a call ended: an EXIT or an ERROR (neither if the connection was cut), with what came before. */
    record Outcome(
            Optional<Exit> exit,
            Optional<BridgeError> error,
            byte[] stdout,
            byte[] stderr,
            List<Queued> notices,
            long firstQueuedNanos,
            long startedNanos) {
        boolean exitedZero() {
            return exit.isPresent() && exit.get().shellStatus() == 0;
        }

        @Override
        public String toString() {
            return "exit=" + exit + " error=" + error + " stdout=" + stdout.length + "B stderr=" + new String(stderr)
                    + " notices=" + notices.size();
        }
    }
}
