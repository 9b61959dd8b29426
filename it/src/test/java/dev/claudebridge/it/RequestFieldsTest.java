package dev.claudebridge.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.claudebridge.protocol.Request;
import dev.claudebridge.protocol.Terminal;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** REQUEST fields as the daemon takes them: a repeated singular field is refused, the TTY's TERM is honoured. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RequestFieldsTest {
    private static Bridge bridge;

    @BeforeAll
    static void start() {
        bridge = Bridge.start();
    }

    @AfterAll
    static void stop() {
        if (bridge != null) {
            bridge.close();
        }
    }

    @Test
    void twoWorkingDirectoriesAreABadRequestAndTheDaemonKeepsServing() {
        byte[] request = RawCall.requestOf(
                RawCall.field(0x01, RawCall.utf8("cwd")),
                RawCall.field(0x03, RawCall.utf8("/")),
                RawCall.field(0x03, RawCall.utf8("/tmp")));

        RawCall.Answer a = RawCall.send(bridge.socket, false, RawCall.concat(RawCall.hello(), request));

        assertThat(a.status()).isEqualTo(64);
        assertThat(a.text()).startsWith("bad_request: ").contains("repeats its CWD field");
        assertThat(bridge.run("exit", "3").status()).isEqualTo(3);
        assertThat(new AuditLines(bridge.auditLog()).ends())
                .anyMatch(n -> n.path("outcome").asText().equals("bad_request"));
    }

    @Test
    void twoClientNamesAreABadRequest() {
        byte[] request = RawCall.requestOf(
                RawCall.field(0x03, RawCall.utf8("/")),
                RawCall.field(0x05, RawCall.utf8("a")),
                RawCall.field(0x05, RawCall.utf8("b")));

        RawCall.Answer a = RawCall.send(bridge.socket, false, RawCall.concat(RawCall.hello(), request));

        assertThat(a.text()).startsWith("bad_request: ").contains("repeats its CLIENT field");
    }

    @Test
    void theTerminalsTermIsTheProcesssTerm() {
        Request r = new Request(
                List.of("env", "TERM"),
                Map.of("TERM", "xterm-256color"),
                "/",
                Optional.of(new Terminal(80, 24, "vt220")),
                "term-test");

        RawCall.Answer a = RawCall.send(bridge.socket, false, RawCall.concat(RawCall.hello(), RawCall.request(r)));

        assertThat(a.status()).as(a.text()).isZero();
        assertThat(a.text()).contains("TERM=vt220").doesNotContain("xterm-256color");
    }

    @Test
    void anEmptyTermLeavesTheEnvironmentsTerm() {
        Request r = new Request(
                List.of("env", "TERM"),
                Map.of("TERM", "screen"),
                "/",
                Optional.of(new Terminal(80, 24, "")),
                "term-test");

        RawCall.Answer a = RawCall.send(bridge.socket, false, RawCall.concat(RawCall.hello(), RawCall.request(r)));

        assertThat(a.text()).contains("TERM=screen");
    }
}
