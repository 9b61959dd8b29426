package dev.claudebridge.protocol;

import static dev.claudebridge.protocol.RequestPayloads.field;
import static dev.claudebridge.protocol.RequestPayloads.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** REQUEST payloads the daemon must refuse, and the ones it must accept although no encoder made them. */
class RequestDecodingTest {
    private static final byte[] CWD = field(Request.CWD, "/workspace");

    /** Byte sequences that are not UTF-8: a stray byte, a cut sequence, an overlong slash, a lone surrogate. */
    private static final byte[][] BAD_UTF8 = {
        {(byte) 0xff}, {'a', (byte) 0xc3}, {(byte) 0xc0, (byte) 0xaf}, {(byte) 0xed, (byte) 0xa0, (byte) 0x80}
    };

    @Test
    void everyCutOfAValidRequestIsRefusedOrEndsAtAFieldBoundary() {
        Request full = new Request(
                List.of("-p", "héllo"),
                Map.of("TERM", "xterm"),
                "/workspace/sub",
                Optional.of(new Terminal(80, 24, "xterm")),
                "agent-1");
        byte[] payload = full.toFrame().payload();
        List<Integer> boundaries = fieldBoundaries(payload);
        int cwdEnd = boundaries.get(4); // after ARG, ARG, ENV, CWD

        for (int cut = 0; cut < payload.length; cut++) {
            Frame truncated = new Frame(FrameType.REQUEST, Arrays.copyOf(payload, cut));
            if (boundaries.contains(cut) && cut >= cwdEnd) {
                assertThat(Request.fromFrame(truncated).cwd())
                        .as("cut at %d", cut)
                        .isEqualTo("/workspace/sub");
            } else {
                assertThatThrownBy(() -> Request.fromFrame(truncated))
                        .as("cut at %d", cut)
                        .isInstanceOf(CorruptedFrameException.class);
            }
        }
    }

    private static List<Integer> fieldBoundaries(byte[] payload) {
        List<Integer> ends = new ArrayList<>();
        int pos = 0;
        ends.add(pos);
        while (pos < payload.length) {
            long len = ((payload[pos + 1] & 0xffL) << 24)
                    | ((payload[pos + 2] & 0xff) << 16)
                    | ((payload[pos + 3] & 0xff) << 8)
                    | (payload[pos + 4] & 0xff);
            pos += Frame.HEADER_LENGTH + (int) len;
            ends.add(pos);
        }
        return ends;
    }

    @Test
    void fieldAnnouncingMoreThanItsFrameIsRefusedWithoutAllocating() {
        Frame frame = request(CWD, Bytes.header(Request.ARG, 0xffff_ffffL), new byte[] {'x'});

        assertThatThrownBy(() -> Request.fromFrame(frame))
                .isInstanceOf(CorruptedFrameException.class)
                .hasMessageContaining("announces");
    }

    @Test
    void badUtf8IsRefusedInEveryStringField() {
        for (byte[] bad : BAD_UTF8) {
            String hex = Bytes.toHex(bad);
            assertRefused(request(field(Request.ARG, bad), CWD), "ARG " + hex);
            assertRefused(request(field(Request.ENV, Bytes.concat("A=".getBytes(), bad)), CWD), "ENV " + hex);
            assertRefused(request(field(Request.CWD, Bytes.concat("/w".getBytes(), bad))), "CWD " + hex);
            assertRefused(request(CWD, field(Request.CLIENT, bad)), "CLIENT " + hex);
            assertRefused(request(CWD, field(Request.TTY, Bytes.concat(new byte[] {0, 80, 0, 24}, bad))), "TTY " + hex);
        }
    }

    @Test
    void nulIsRefusedInEveryStringField() {
        assertRefused(request(field(Request.ARG, "a\0b"), CWD), "ARG");
        assertRefused(request(field(Request.ENV, "A=b\0c"), CWD), "ENV value");
        assertRefused(request(field(Request.ENV, "A\0B=c"), CWD), "ENV name");
        assertRefused(request(field(Request.CWD, "/w\0/x")), "CWD");
        assertRefused(request(CWD, field(Request.CLIENT, "agent\0")), "CLIENT");
        assertRefused(
                request(CWD, field(Request.TTY, Bytes.concat(new byte[] {0, 80, 0, 24}, "xterm\0".getBytes()))),
                "TERM");
    }

    @Test
    void missingWorkingDirectoryIsRefused() {
        assertThatThrownBy(() -> Request.fromFrame(request(field(Request.ARG, "-p"), field(Request.CLIENT, "a"))))
                .isInstanceOf(CorruptedFrameException.class)
                .hasMessageContaining("working directory");
        assertThatThrownBy(() -> Request.fromFrame(request())).isInstanceOf(CorruptedFrameException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"NOEQUALS", "=value", ""})
    void environmentEntryWithoutANameIsRefused(String entry) {
        assertRefused(request(field(Request.ENV, entry), CWD), "ENV " + entry);
    }

    @Test
    void environmentSplitsAtTheFirstEqualsAndTheLastRepeatWins() {
        Request r = Request.fromFrame(
                request(field(Request.ENV, "A=b=c"), field(Request.ENV, "E="), field(Request.ENV, "A=again"), CWD));

        assertThat(r.env()).containsExactly(Map.entry("A", "again"), Map.entry("E", ""));
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 3})
    void terminalFieldTooShortForItsSizeIsRefused(int length) {
        assertRefused(request(CWD, field(Request.TTY, new byte[length])), "TTY of " + length + " bytes");
    }

    @ParameterizedTest
    @ValueSource(ints = {0x00, 0x07, 0x7f, 0xff})
    void unknownTagsAreSkipped(int tag) {
        Frame frame = request(
                field(tag, "ignored"),
                field(Request.ARG, "-p"),
                field(tag, new byte[] {0, (byte) 0xff}),
                CWD,
                field(tag, new byte[0]),
                field(Request.CLIENT, "agent"));

        assertThat(Request.fromFrame(frame))
                .isEqualTo(new Request(List.of("-p"), Map.of(), "/workspace", Optional.empty(), "agent"));
    }

    @Test
    void fieldsMayComeInAnyOrderButArgumentsKeepTheirs() {
        Frame frame = request(
                field(Request.CLIENT, "c"),
                CWD,
                field(Request.ARG, "second-is-first"),
                field(Request.ENV, "K=v"),
                field(Request.ARG, "then-this"));

        Request r = Request.fromFrame(frame);

        assertThat(r.argv()).containsExactly("second-is-first", "then-this");
        assertThat(r.env()).containsExactly(Map.entry("K", "v"));
        assertThat(r.clientName()).isEqualTo("c");
        assertThat(r.terminal()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(ints = {Request.CWD, Request.TTY, Request.CLIENT, Request.STDIO})
    void aRepeatedSingularFieldIsRefused(int tag) {
        byte[] value = tag == Request.TTY
                ? new byte[] {0, 80, 0, 24, 'x'}
                : tag == Request.STDIO ? new byte[] {3, 1, 1} : "/w".getBytes();
        byte[] other = tag == Request.CWD ? new byte[0] : CWD;

        assertThatThrownBy(() -> Request.fromFrame(
                        request(other, field(tag, value), field(Request.ARG, "-p"), field(tag, value))))
                .isInstanceOf(CorruptedFrameException.class)
                .hasMessageContaining("repeats");
    }

    @Test
    void theStdioFieldNamesEachDescriptorsKind() {
        Request r = Request.fromFrame(request(CWD, field(Request.STDIO, new byte[] {3, 1, 6})));

        assertThat(r.stdio()).isEqualTo(new Stdio(StdioKind.NULL, StdioKind.PIPE, StdioKind.CLOSED));
    }

    @Test
    void withoutAStdioFieldNothingIsSaidAndAnUnknownKindReadsAsOther() {
        assertThat(Request.fromFrame(request(CWD)).stdio()).isEqualTo(Stdio.UNSAID);
        // a later revision may add kinds, and describe more descriptors after the first three
        Request r = Request.fromFrame(request(CWD, field(Request.STDIO, new byte[] {(byte) 0x99, 2, 5, 7, 7})));
        assertThat(r.stdio()).isEqualTo(new Stdio(StdioKind.OTHER, StdioKind.TERMINAL, StdioKind.SOCKET));
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2})
    void aStdioFieldTooShortIsRefused(int length) {
        assertRefused(request(CWD, field(Request.STDIO, new byte[length])), "STDIO of " + length + " bytes");
    }

    @Test
    void anUnsaidStdioIsNotEncodedSoTheRequestIsAnOlderClients() {
        Request old = new Request(List.of("-p"), Map.of(), "/w", Optional.empty(), "a");

        assertThat(old.toFrame().payload()).doesNotContain((byte) Request.STDIO);
        assertThat(new Request(
                                List.of("-p"),
                                Map.of(),
                                "/w",
                                Optional.empty(),
                                "a",
                                new Stdio(StdioKind.NULL, StdioKind.FILE, StdioKind.TERMINAL))
                        .toFrame()
                        .payload()
                        .length)
                .isEqualTo(old.toFrame().payload().length + Frame.HEADER_LENGTH + 3);
    }

    @Test
    void clientNameDefaultsToEmpty() {
        assertThat(Request.fromFrame(request(CWD)).clientName()).isEmpty();
    }

    @Test
    void aFrameOfAnotherTypeIsNoRequest() {
        Frame notARequest = new Frame(FrameType.STDIN, request(CWD).payload());

        assertThatThrownBy(() -> Request.fromFrame(notARequest)).isInstanceOf(CorruptedFrameException.class);
    }

    private static void assertRefused(Frame frame, String what) {
        assertThatThrownBy(() -> Request.fromFrame(frame)).as(what).isInstanceOf(CorruptedFrameException.class);
    }
}
