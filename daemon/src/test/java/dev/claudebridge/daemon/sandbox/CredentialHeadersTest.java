package dev.claudebridge.daemon.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import dev.claudebridge.daemon.sandbox.Credential.Kind;
import java.util.stream.Stream;
import org.eclipse.jetty.http.HttpFields;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Which credential headers a forwarded request ends up with, for every kind of credential. */
class CredentialHeadersTest {
    private static final String SECRET = "sk-real";

    static Stream<Arguments> cases() {
        return Stream.of(
                // kind, caller's beta (null: none), expected x-api-key, Authorization, beta
                Arguments.of(Kind.API_KEY, null, SECRET, null, null),
                Arguments.of(Kind.API_KEY, "oauth-2025-04-20", SECRET, null, null),
                Arguments.of(Kind.API_KEY, "a, oauth-2025-04-20 ,b", SECRET, null, "a,b"),
                Arguments.of(Kind.OAUTH, null, null, "Bearer " + SECRET, "oauth-2025-04-20"),
                Arguments.of(Kind.OAUTH, "a,b", null, "Bearer " + SECRET, "a,b,oauth-2025-04-20"),
                Arguments.of(Kind.OAUTH, "oauth-2025-04-20,a,a", null, "Bearer " + SECRET, "oauth-2025-04-20,a"),
                Arguments.of(Kind.BEARER, null, null, "Bearer " + SECRET, null),
                Arguments.of(Kind.BEARER, "a,oauth-2025-04-20", null, "Bearer " + SECRET, "a,oauth-2025-04-20"));
    }

    @ParameterizedTest
    @MethodSource("cases")
    void theCallersCredentialGoesAndTheRealOneComes(
            Kind kind, String callerBeta, String apiKey, String authorization, String beta) {
        HttpFields.Mutable h = HttpFields.build()
                .add("x-api-key", "placeholder")
                .add("Authorization", "Bearer placeholder")
                .add("Proxy-Authorization", "Basic x")
                .add("Cookie", "a=b")
                .add("anthropic-version", "2023-06-01");
        if (callerBeta != null) {
            h.add("anthropic-beta", callerBeta);
        }
        CredentialHeaders.replace(h, new Credential(kind, SECRET));
        assertThat(h.get("x-api-key")).isEqualTo(apiKey);
        assertThat(h.get("Authorization")).isEqualTo(authorization);
        assertThat(h.get("anthropic-beta")).isEqualTo(beta);
        assertThat(h.getValuesList("anthropic-beta")).hasSizeLessThanOrEqualTo(1);
        assertThat(h.get("Proxy-Authorization")).isNull();
        assertThat(h.get("Cookie")).isNull();
        assertThat(h.get("anthropic-version")).isEqualTo("2023-06-01");
    }
}
