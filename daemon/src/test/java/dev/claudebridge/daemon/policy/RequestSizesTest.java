package dev.claudebridge.daemon.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.claudebridge.daemon.config.RequestLimits;
import dev.claudebridge.protocol.ErrorCode;
import dev.claudebridge.protocol.Request;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RequestSizesTest {
    private static final RequestLimits LIMITS = new RequestLimits(4096, 10, 1000, 5, 200, 64);

    private static Request request(List<String> argv, Map<String, String> env, String cwd) {
        return new Request(argv, env, cwd, Optional.empty(), "test");
    }

    private static String refusedRule(Request r) {
        Denial e = catchThrowableOfType(Denial.class, () -> RequestSizes.check(r, LIMITS, "p"));
        assertThat(e).isNotNull();
        assertThat(e.code()).isEqualTo(ErrorCode.BAD_REQUEST);
        assertThat(e.getMessage()).contains(e.rule()).contains("profile 'p'");
        return e.rule();
    }

    @Test
    void withinEveryLimitPasses() {
        assertThatCode(() -> RequestSizes.check(
                        request(Collections.nCopies(10, "a"), Map.of("TERM", "x"), "/w"), LIMITS, "p"))
                .doesNotThrowAnyException();
    }

    @Test
    void eachLimitIsNamed() {
        assertThat(refusedRule(request(Collections.nCopies(11, "a"), Map.of(), "/w")))
                .isEqualTo("max-args");
        assertThat(refusedRule(request(List.of("x".repeat(1001)), Map.of(), "/w")))
                .isEqualTo("max-argv-bytes");
        assertThat(refusedRule(request(List.of("é".repeat(501)), Map.of(), "/w")))
                .isEqualTo("max-argv-bytes"); // bytes, not chars
        Map<String, String> six = new LinkedHashMap<>();
        for (int i = 0; i < 6; i++) {
            six.put("V" + i, "x");
        }
        assertThat(refusedRule(request(List.of(), six, "/w"))).isEqualTo("max-env-vars");
        assertThat(refusedRule(request(List.of(), Map.of("BIG", "x".repeat(200)), "/w")))
                .isEqualTo("max-env-bytes");
        assertThat(refusedRule(request(List.of(), Map.of(), "/" + "d".repeat(64))))
                .isEqualTo("max-cwd-bytes");
        assertThat(refusedRule(request(
                        List.of("a".repeat(900), "b".repeat(900), "c".repeat(900), "d".repeat(900), "e".repeat(900)),
                        Map.of(),
                        "/w")))
                .isEqualTo("max-request-bytes");
    }
}
