package dev.claudebridge.daemon.admission;

import static org.assertj.core.api.Assertions.assertThat;

import dev.claudebridge.protocol.Frame;
import dev.claudebridge.protocol.FrameReader;
import dev.claudebridge.protocol.FrameType;
import dev.claudebridge.protocol.Hello;
import dev.claudebridge.protocol.Request;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class HandshakeGuardTest {
    private static byte[] bytes(Frame... frames) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        dev.claudebridge.protocol.FrameWriter w = new dev.claudebridge.protocol.FrameWriter(out);
        for (Frame f : frames) {
            w.write(f);
        }
        return out.toByteArray();
    }

    private static final Frame HELLO = new Hello(Hello.VERSION, "test").toFrame();
    private static final Frame REQUEST =
            new Request(List.of("-p", "hi"), Map.of(), "/w", Optional.empty(), "c").toFrame();

    @Test
    void completeOnlyOnceTheHelloAndTheRequestHaveBeenReadByteByByte() throws IOException {
        byte[] all = bytes(HELLO, REQUEST, Frame.empty(FrameType.STDIN_EOF));
        int handshake = all.length - Frame.HEADER_LENGTH;
        HandshakeGuard g = new HandshakeGuard(new ByteArrayInputStream(all));
        for (int i = 0; i < handshake; i++) {
            assertThat(g.complete()).as("after %d of %d bytes", i, handshake).isFalse();
            assertThat(g.read()).isEqualTo(all[i] & 0xff);
        }
        assertThat(g.complete()).isTrue();
    }

    @Test
    void readThroughAFrameReaderTheFramesArriveUnchanged() throws IOException {
        HandshakeGuard g =
                new HandshakeGuard(new ByteArrayInputStream(bytes(HELLO, REQUEST, Frame.empty(FrameType.STDIN_EOF))));
        FrameReader r = new FrameReader(g);
        assertThat(r.read()).contains(HELLO);
        assertThat(r.read()).contains(REQUEST);
        assertThat(g.complete()).isTrue();
        assertThat(r.read()).contains(Frame.empty(FrameType.STDIN_EOF));
        assertThat(r.read()).isEmpty();
    }

    @Test
    void aHelloAloneIsNotAHandshake() throws IOException {
        HandshakeGuard g = new HandshakeGuard(new ByteArrayInputStream(bytes(HELLO)));
        g.readAllBytes();
        assertThat(g.complete()).isFalse();
    }
}
