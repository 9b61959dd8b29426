package dev.claudebridge.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Malformed payloads of the small messages: HELLO, SIGNAL, EXIT, RESIZE, QUEUED, ERROR. */
class MessageDecodingTest {

    private static Frame frame(FrameType type, String ascii) {
        return new Frame(type, ascii.getBytes(StandardCharsets.ISO_8859_1));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "CBRID", "CBRIDGE", "cbridge\u0001x", "GET / HTTP/1.1\r\n", "SSH-2.0-OpenSSH_9.6"})
    void helloWithoutMagicAndVersionIsNoClaudeBridgePeer(String payload) {
        assertThatThrownBy(() -> Hello.fromFrame(frame(FrameType.HELLO, payload)))
                .isInstanceOf(CorruptedFrameException.class);
    }

    @Test
    void helloMagicInAnotherFrameTypeIsNoHello() {
        Frame stdout = new Frame(FrameType.STDOUT, new Hello(1, "x").toFrame().payload());

        assertThatThrownBy(() -> Hello.fromFrame(stdout)).isInstanceOf(CorruptedFrameException.class);
    }

    @Test
    void helloWithBadUtf8SoftwareNameIsRefused() {
        byte[] payload = Bytes.concat("CBRIDGE".getBytes(StandardCharsets.US_ASCII), new byte[] {1, (byte) 0xff});

        assertThatThrownBy(() -> Hello.fromFrame(new Frame(FrameType.HELLO, payload)))
                .isInstanceOf(CorruptedFrameException.class);
    }

    @Test
    void helloOfMagicAndVersionAloneHasAnEmptySoftwareName() {
        assertThat(Hello.fromFrame(frame(FrameType.HELLO, "CBRIDGE\u0002"))).isEqualTo(new Hello(2, ""));
    }

    @Test
    void signalNumbersOutsideTheListAreRefused() {
        Set<Integer> allowed =
                Arrays.stream(Signal.values()).map(Signal::number).collect(Collectors.toSet());
        for (int n = 0; n < 256; n++) {
            Frame f = new Frame(FrameType.SIGNAL, new byte[] {(byte) n});
            if (allowed.contains(n)) {
                assertThat(Signal.fromFrame(f).number()).isEqualTo(n);
            } else {
                assertThatThrownBy(() -> Signal.fromFrame(f))
                        .as("signal %d", n)
                        .isInstanceOf(CorruptedFrameException.class);
            }
        }
        assertThat(allowed).containsExactlyInAnyOrder(1, 2, 3, 9, 10, 12, 15, 18, 19, 20, 28);
    }

    @Test
    void emptySignalIsRefused() {
        assertThatThrownBy(() -> Signal.fromFrame(Frame.empty(FrameType.SIGNAL)))
                .isInstanceOf(CorruptedFrameException.class);
    }

    @ParameterizedTest
    @ValueSource(ints = {2, 3, 255})
    void exitOfAnUnknownKindIsRefused(int kind) {
        Frame f = new Frame(FrameType.EXIT, new byte[] {(byte) kind, 0, 0, 0, 1});

        assertThatThrownBy(() -> Exit.fromFrame(f))
                .isInstanceOf(CorruptedFrameException.class)
                .hasMessageContaining("kind");
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 4})
    void shortExitIsRefused(int length) {
        assertThatThrownBy(() -> Exit.fromFrame(new Frame(FrameType.EXIT, new byte[length])))
                .isInstanceOf(CorruptedFrameException.class);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 2, 3})
    void shortResizeIsRefused(int length) {
        assertThatThrownBy(() -> Resize.fromFrame(new Frame(FrameType.RESIZE, new byte[length])))
                .isInstanceOf(CorruptedFrameException.class);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 4, 7})
    void shortQueuedIsRefused(int length) {
        assertThatThrownBy(() -> Queued.fromFrame(new Frame(FrameType.QUEUED, new byte[length])))
                .isInstanceOf(CorruptedFrameException.class);
    }

    @Test
    void errorWhoseCodeRunsPastItsPayloadIsRefused() {
        Frame f = new Frame(FrameType.ERROR, new byte[] {64, 0, 10, 'b', 'a', 'd'});

        assertThatThrownBy(() -> BridgeError.fromFrame(f)).isInstanceOf(CorruptedFrameException.class);
    }

    @Test
    void errorWithBadUtf8MessageIsRefused() {
        Frame f = new Frame(FrameType.ERROR, new byte[] {64, 0, 1, 'x', (byte) 0xc3});

        assertThatThrownBy(() -> BridgeError.fromFrame(f)).isInstanceOf(CorruptedFrameException.class);
    }
}
