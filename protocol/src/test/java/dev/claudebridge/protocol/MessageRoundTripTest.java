package dev.claudebridge.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Every message record: to a frame, onto the wire, back off it, and back to an equal record. */
class MessageRoundTripTest {

    /** The frame as a peer receives it: written, then read from the bytes. */
    private static Frame overTheWire(Frame frame) throws IOException {
        return new FrameReader(ChoppyInputStream.whole(Bytes.encode(frame)))
                .read()
                .orElseThrow();
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {"1|claude-bridge-client", "0|''", "255|claude-bridge/0.1.0 (höst 世界)"})
    void hello(int version, String software) throws IOException {
        Hello hello = new Hello(version, software);
        assertThat(Hello.fromFrame(overTheWire(hello.toFrame()))).isEqualTo(hello);
    }

    @ParameterizedTest
    @ValueSource(ints = {256, 300, 4000})
    void helloSoftwareNameIsCutTo256Characters(int length) throws IOException {
        Hello decoded = Hello.fromFrame(overTheWire(new Hello(1, "n".repeat(length)).toFrame()));
        assertThat(decoded.software()).isEqualTo("n".repeat(256));
    }

    static Stream<Arguments> argvs() {
        return Stream.of(
                Arguments.of(List.of()),
                Arguments.of(List.of("")),
                Arguments.of(List.of("-p", "héllo wörld", "")),
                Arguments.of(List.of("--print", "say \"hi\" and 'bye'", "a\\b")),
                Arguments.of(List.of("line one\nline two\r\n", "\ttabbed", "  spaces  ")),
                Arguments.of(List.of("-", "--", "---weird", "-p=--x")),
                Arguments.of(List.of("日本語", "emoji 😀🎉", "\u00e9 vs e\u0301", "\u202eright-to-left")),
                Arguments.of(List.of("$(rm -rf /)", "`id`", "; echo pwned", "*", "~")),
                Arguments.of(List.of("x".repeat(200_000))));
    }

    @ParameterizedTest
    @MethodSource("argvs")
    void requestArgvIsVerbatim(List<String> argv) throws IOException {
        Request request = new Request(argv, Map.of(), "/workspace", Optional.empty(), "agent-1");

        Request decoded = Request.fromFrame(overTheWire(request.toFrame()));

        assertThat(decoded).isEqualTo(request);
        assertThat(decoded.argv()).containsExactlyElementsOf(argv);
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {"0|0|''", "80|24|xterm-256color", "65535|65535|screen", "120|40|xterm"})
    void requestWithTerminal(int columns, int rows, String term) throws IOException {
        Request request = new Request(
                List.of("--model", "x"),
                Map.of("TERM", term),
                "/w",
                Optional.of(new Terminal(columns, rows, term)),
                "agent-2");

        assertThat(Request.fromFrame(overTheWire(request.toFrame()))).isEqualTo(request);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "agent-7", "hôte-日本"})
    void requestKeepsEnvironmentInOrderAndItsEdgeCases(String client) throws IOException {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("ZED", "last name first");
        env.put("EMPTY", "");
        env.put("EQUALS", "a=b=c");
        env.put("MULTI", "line\nline");
        env.put("UNICODE", "ünï");
        Request request = new Request(List.of(), env, "/workspace/a dir/ü", Optional.empty(), client);

        Request decoded = Request.fromFrame(overTheWire(request.toFrame()));

        assertThat(decoded).isEqualTo(request);
        assertThat(decoded.env().keySet()).containsExactly("ZED", "EMPTY", "EQUALS", "MULTI", "UNICODE");
    }

    @ParameterizedTest
    @CsvSource({"0,0", "1,1", "42,42", "255,255", "256,0", "-1,255", "2147483647,255"})
    void exitCode(int code, int shellStatus) throws IOException {
        Exit decoded = Exit.fromFrame(overTheWire(Exit.code(code).toFrame()));

        assertThat(decoded).isEqualTo(Exit.code(code));
        assertThat(decoded.shellStatus()).isEqualTo(shellStatus);
    }

    @ParameterizedTest
    @CsvSource({"1,129", "2,130", "9,137", "15,143", "64,192"})
    void exitSignal(int signal, int shellStatus) throws IOException {
        Exit decoded = Exit.fromFrame(overTheWire(Exit.signal(signal).toFrame()));

        assertThat(decoded).isEqualTo(Exit.signal(signal));
        assertThat(decoded.shellStatus()).isEqualTo(shellStatus);
    }

    @ParameterizedTest
    @EnumSource(ErrorCode.class)
    void bridgeErrorForEveryCode(ErrorCode code) throws IOException {
        BridgeError error = BridgeError.of(code, "why " + code + ":\nsecond line, ünïcode");

        BridgeError decoded = BridgeError.fromFrame(overTheWire(error.toFrame()));

        assertThat(decoded).isEqualTo(error);
        assertThat(ErrorCode.ofWireName(decoded.code())).isEqualTo(code);
        assertThat(decoded.exitStatus()).isEqualTo(code.exitStatus());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "x"})
    void bridgeErrorWithACodeFromANewerDaemonKeepsItsStatus(String message) throws IOException {
        BridgeError error = new BridgeError("future_code", 99, message);

        BridgeError decoded = BridgeError.fromFrame(overTheWire(error.toFrame()));

        assertThat(decoded).isEqualTo(error);
        assertThat(ErrorCode.ofWireName(decoded.code())).isEqualTo(ErrorCode.INTERNAL);
    }

    @ParameterizedTest
    @EnumSource(Signal.class)
    void signal(Signal signal) throws IOException {
        Frame frame = overTheWire(signal.toFrame());

        assertThat(frame.payload()).containsExactly(signal.number());
        assertThat(Signal.fromFrame(frame)).isEqualTo(signal);
    }

    @ParameterizedTest
    @CsvSource({"0,0", "80,24", "100,30", "65535,65535"})
    void resize(int columns, int rows) throws IOException {
        assertThat(Resize.fromFrame(overTheWire(new Resize(columns, rows).toFrame())))
                .isEqualTo(new Resize(columns, rows));
    }

    @ParameterizedTest
    @CsvSource({"1,1", "3,7", "4294967295,4294967295"})
    void queued(long position, long length) throws IOException {
        assertThat(Queued.fromFrame(overTheWire(new Queued(position, length).toFrame())))
                .isEqualTo(new Queued(position, length));
    }

    @Test
    void aHelloCarriesATokenAfterANulAndNeverShowsIt() {
        Hello h = new Hello(Hello.VERSION, "client", java.util.Optional.of("secret-token"));
        Hello back = Hello.fromFrame(h.toFrame());
        assertThat(back.token()).contains("secret-token");
        assertThat(back.software()).isEqualTo("client");
        assertThat(back.toString()).doesNotContain("secret-token");
        assertThat(Hello.fromFrame(new Hello(1, "x").toFrame()).token()).isEmpty();
    }

    @Test
    void queuedWithAReason() throws IOException {
        Queued q =
                new Queued(2, 5, "the API refused the host's login for now (five_hour); starts resume at 17:00:00 UTC");
        assertThat(Queued.fromFrame(overTheWire(q.toFrame()))).isEqualTo(q);
        assertThat(new Queued(1, 1).toFrame().payload())
                .as("no reason: the payload is as it always was")
                .hasSize(8);
        assertThat(Queued.fromFrame(new Queued(1, 1).toFrame()).reason()).isEmpty();
    }

    @Test
    void aLongReasonIsCutAtACharacterBoundary() {
        Queued q = new Queued(1, 1, "é".repeat(Queued.MAX_REASON));
        assertThat(q.reason().getBytes(java.nio.charset.StandardCharsets.UTF_8).length)
                .isLessThanOrEqualTo(Queued.MAX_REASON);
        assertThat(q.reason()).matches("é+");
    }
}
