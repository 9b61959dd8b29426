package dev.claudebridge.it;

import dev.claudebridge.protocol.BridgeError;
import dev.claudebridge.protocol.Exit;
import dev.claudebridge.protocol.Frame;
import dev.claudebridge.protocol.FrameReader;
import dev.claudebridge.protocol.FrameType;
import dev.claudebridge.protocol.FrameWriter;
import dev.claudebridge.protocol.Hello;
import dev.claudebridge.protocol.Request;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Speaks the wire protocol by hand, for requests the real client would never send: writes the given
 * bytes, optionally half-closes, and reads the daemon's answer (an ERROR, or the output and EXIT).
 */
final class RawCall {
    private RawCall() {}

    /** What came back: the exit status the client would end with, and the message or stdout. */
    record Answer(int status, String text) {}

    static byte[] frame(Frame f) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            new FrameWriter(out).write(f);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    static byte[] hello() {
        return frame(new Hello(Hello.VERSION, "hostile-test").toFrame());
    }

    static byte[] request(Request r) {
        return frame(r.toFrame());
    }

    /** A frame header announcing {@code length} bytes of {@code type}, and nothing more. */
    static byte[] header(int typeCode, long length) {
        return ByteBuffer.allocate(5).put((byte) typeCode).putInt((int) length).array();
    }

    /** A REQUEST frame around hand-made fields. */
    static byte[] requestOf(byte[]... fields) {
        ByteArrayOutputStream payload = new ByteArrayOutputStream();
        for (byte[] f : fields) {
            payload.writeBytes(f);
        }
        return concat(header(FrameType.REQUEST.code(), payload.size()), payload.toByteArray());
    }

    /** One request field: tag, uint32 length, value. */
    static byte[] field(int tag, byte[] value) {
        return concat(
                ByteBuffer.allocate(5).put((byte) tag).putInt(value.length).array(), value);
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    /** Sends {@code bytes} (then half-closes when asked) and reads the answer, 20 s at most. */
    static Answer send(Path socket, boolean halfClose, byte[] bytes) {
        try (SocketChannel ch = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
            CompletableFuture<Answer> answer = CompletableFuture.supplyAsync(
                    () -> read(ch), r -> Thread.ofVirtual().start(r));
            try {
                ByteBuffer buf = ByteBuffer.wrap(bytes);
                while (buf.hasRemaining()) {
                    ch.write(buf); // may write part of it while a virtual thread reads the same channel
                }
                if (halfClose) {
                    ch.shutdownOutput();
                }
            } catch (IOException e) {
                // the daemon may answer and close before taking everything: its answer is what counts
            }
            return answer.get(20, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("no answer from the daemon: " + e, e);
        }
    }

    private static Answer read(SocketChannel ch) {
        FrameReader reader = new FrameReader(Channels.newInputStream(ch));
        StringBuilder stdout = new StringBuilder();
        try {
            while (true) {
                Optional<Frame> f = reader.read();
                if (f.isEmpty()) {
                    return new Answer(-1, "connection closed without an answer; stdout so far: " + stdout);
                }
                switch (f.get().type()) {
                    case ERROR -> {
                        BridgeError e = BridgeError.fromFrame(f.get());
                        return new Answer(e.exitStatus(), e.code() + ": " + e.message());
                    }
                    case EXIT -> {
                        Exit x = Exit.fromFrame(f.get());
                        return new Answer(x.signaled() ? 128 + x.value() : x.value(), stdout.toString());
                    }
                    case STDOUT, STDERR -> stdout.append(new String(f.get().payload(), StandardCharsets.UTF_8));
                    default -> {
                        // HELLO, STARTED, QUEUED
                    }
                }
            }
        } catch (IOException e) {
            return new Answer(-1, "connection broken: " + e + "; stdout so far: " + stdout);
        }
    }
}
