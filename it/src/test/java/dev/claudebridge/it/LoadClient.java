package dev.claudebridge.it;

import dev.claudebridge.protocol.BridgeError;
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
 * A client that speaks the wire protocol itself, so a test can hold hundreds of calls open without a
 * JVM each, and see every frame (QUEUED, STARTED) with the time it arrived.
 */
final class LoadClient implements AutoCloseable {
    private final SocketChannel ch;
    private final FrameReader reader;
    private final FrameWriter writer;
    private final ByteArrayOutputStream stdout = new ByteArrayOutputStream();
    private final ByteArrayOutputStream stderr = new ByteArrayOutputStream();
    private final List<Queued> notices = new ArrayList<>();
    private long firstQueuedNanos;
    private long startedNanos;
    private Frame ended;

    private LoadClient(SocketChannel ch) {
        this.ch = ch;
        this.reader = new FrameReader(new BufferedInputStream(Channels.newInputStream(ch), 1 << 17));
        this.writer = new FrameWriter(Channels.newOutputStream(ch));
    }

    static LoadClient connect(Path socket) {
        try {
            return new LoadClient(SocketChannel.open(UnixDomainSocketAddress.of(socket)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Connects and sends HELLO and REQUEST (cwd "/", no variables); the answer is read by the other methods. */
    static LoadClient call(Path socket, String clientName, String... argv) {
        LoadClient c = connect(socket);
        try {
            c.writer.write(new Hello(Hello.VERSION, "load-client").toFrame());
            c.writer.write(new Request(List.of(argv), Map.of(), "/", Optional.empty(), clientName).toFrame());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return c;
    }

    /** Reads until the request is queued or started (or refused); true unless it ended. */
    boolean awaitQueuedOrStarted() {
        while (true) {
            Optional<Frame> f = next();
            if (f.isEmpty()) {
                return false;
            }
            switch (f.get().type()) {
                case QUEUED, STARTED -> {
                    return true;
                }
                case EXIT, ERROR -> {
                    ended = f.get();
                    return false;
                }
                default -> {}
            }
        }
    }

    /** Reads until STARTED (true) or the end. */
    boolean awaitStarted() {
        while (startedNanos == 0) {
            Optional<Frame> f = next();
            if (f.isEmpty() || f.get().type() == FrameType.EXIT || f.get().type() == FrameType.ERROR) {
                ended = f.orElse(null);
                return false;
            }
        }
        return true;
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
        while (ended == null) {
            Optional<Frame> f = next();
            if (f.isEmpty()) {
                break;
            }
            if (f.get().type() == FrameType.EXIT || f.get().type() == FrameType.ERROR) {
                ended = f.get();
            }
        }
        Optional<Exit> exit =
                ended != null && ended.type() == FrameType.EXIT ? Optional.of(Exit.fromFrame(ended)) : Optional.empty();
        Optional<BridgeError> error = ended != null && ended.type() == FrameType.ERROR
                ? Optional.of(BridgeError.fromFrame(ended))
                : Optional.empty();
        close();
        return new Outcome(
                exit,
                error,
                stdout.toByteArray(),
                stderr.toByteArray(),
                List.copyOf(notices),
                firstQueuedNanos,
                startedNanos);
    }

    private Optional<Frame> next() {
        try {
            Optional<Frame> f = reader.read();
            f.ifPresent(this::note);
            return f;
        } catch (IOException e) {
            return Optional.empty(); // the daemon closed the connection
        }
    }

    private void note(Frame f) {
        switch (f.type()) {
            case STDOUT -> stdout.writeBytes(f.payload());
            case STDERR -> stderr.writeBytes(f.payload());
            case QUEUED -> {
                notices.add(Queued.fromFrame(f));
                if (firstQueuedNanos == 0) {
                    firstQueuedNanos = System.nanoTime();
                }
            }
            case STARTED -> startedNanos = System.nanoTime();
            default -> {}
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
