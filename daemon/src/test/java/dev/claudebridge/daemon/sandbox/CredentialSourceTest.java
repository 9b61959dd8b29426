package dev.claudebridge.daemon.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.claudebridge.daemon.sandbox.Credential.Kind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Where the real credential comes from, and that no error or string form ever shows it. */
class CredentialSourceTest {
    private Path dir;

    @BeforeEach
    void dir() throws IOException {
        dir = Files.createTempDirectory("credentials");
    }

    @AfterEach
    void clean() throws IOException {
        try (var files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    @ParameterizedTest
    @CsvSource({
        "sk-ant-oat01-abc, API_KEY, OAUTH",
        "sk-ant-api03-abc, OAUTH, API_KEY",
        "gateway-token-1, BEARER, BEARER",
        "gateway-token-1, API_KEY, API_KEY",
    })
    void aFilesKindComesFromItsPrefixElseFromTheConfiguredKind(String token, Kind unprefixed, Kind expected)
            throws IOException {
        Path file = dir.resolve("token");
        Files.writeString(file, "\n  " + token + "\r\n");
        Credential c = CredentialSource.file(file, unprefixed).current();
        assertThat(c).isEqualTo(new Credential(expected, token));
    }

    @Test
    void aFileIsReadAgainWhenItChangesAndOnlyThen() throws IOException {
        Path file = dir.resolve("token");
        Files.writeString(file, "sk-ant-api03-first");
        CredentialSource source = CredentialSource.file(file, Kind.API_KEY);
        Credential first = source.current();
        assertThat(source.current())
                .as("unchanged: the same object, not read again")
                .isSameAs(first);

        Path next = dir.resolve("token.next");
        Files.writeString(next, "sk-ant-oat01-second");
        Files.move(next, file, StandardCopyOption.ATOMIC_MOVE);
        assertThat(source.current()).isEqualTo(new Credential(Kind.OAUTH, "sk-ant-oat01-second"));

        Files.writeString(file, "  \n");
        assertThatThrownBy(source::current)
                .isInstanceOf(CredentialException.class)
                .hasMessage("file " + file + ": the credential is empty");
        Files.delete(file);
        assertThatThrownBy(source::current).hasMessage("file " + file + " does not exist");
        Files.writeString(file, "sk-ant-api03-third");
        assertThat(source.current().secret()).isEqualTo("sk-ant-api03-third");
    }

    @Test
    void aTokenWithInnerWhiteSpaceIsRefusedWithoutBeingShown() throws IOException {
        Path file = dir.resolve("token");
        Files.writeString(file, "sk-ant-api03-secret part\n");
        assertThatThrownBy(() -> CredentialSource.file(file, Kind.API_KEY).current())
                .isInstanceOf(CredentialException.class)
                .hasMessageContaining("cannot go into a header")
                .hasMessageNotContaining("secret");
    }

    @Test
    void theEnvironmentPrefersAnApiKeyThenAnOauthTokenThenABearerToken() {
        Map<String, String> all =
                Map.of("ANTHROPIC_API_KEY", "k", "CLAUDE_CODE_OAUTH_TOKEN", "o", "ANTHROPIC_AUTH_TOKEN", "b");
        assertThat(CredentialSource.environment(all).orElseThrow().current())
                .isEqualTo(new Credential(Kind.API_KEY, "k"));
        assertThat(CredentialSource.environment(Map.of(
                                "ANTHROPIC_API_KEY", " ", "CLAUDE_CODE_OAUTH_TOKEN", "o", "ANTHROPIC_AUTH_TOKEN", "b"))
                        .orElseThrow()
                        .current())
                .isEqualTo(new Credential(Kind.OAUTH, "o"));
        CredentialSource bearer = CredentialSource.environment(Map.of("ANTHROPIC_AUTH_TOKEN", "sk-ant-oat01-b"))
                .orElseThrow();
        assertThat(bearer.current())
                .as("the variable decides the kind")
                .isEqualTo(new Credential(Kind.BEARER, "sk-ant-oat01-b"));
        assertThat(bearer.origin()).isEqualTo("environment variable ANTHROPIC_AUTH_TOKEN");
        assertThat(CredentialSource.environment(Map.of("HOME", "/root"))).isEmpty();
    }

    @Test
    void theHostLoginGivesItsAccessTokenAsASubscriptionToken() throws IOException {
        Path login = Files.createDirectories(dir.resolve(".claude")).resolve(".credentials.json");
        Files.writeString(
                login,
                "{\"claudeAiOauth\":{\"accessToken\":\"sk-ant-oat01-host\",\"refreshToken\":\"sk-ant-ort01-r\","
                        + "\"expiresAt\":4102444800000,\"scopes\":[\"user:inference\"]}}");
        CredentialSource source = CredentialSource.hostLogin(dir);
        assertThat(source.current()).isEqualTo(new Credential(Kind.OAUTH, "sk-ant-oat01-host"));
        assertThat(source.origin()).isEqualTo("host login " + login);

        Files.writeString(login, "{\"claudeAiOauth\":{}}");
        assertThatThrownBy(source::current).hasMessageContaining("has no claudeAiOauth.accessToken");
        Files.writeString(login, "{\"claudeAiOauth\":{\"accessToken\":\"sk-ant-oat01-host\",");
        assertThatThrownBy(source::current)
                .hasMessageContaining("is not valid JSON")
                .hasMessageNotContaining("sk-ant-oat01-host");
    }

    @Test
    void theStandardChoiceIsTheFileThenTheEnvironmentThenTheHostLogin() {
        Path file = dir.resolve("token");
        Map<String, String> env = Map.of("ANTHROPIC_API_KEY", "k");
        assertThat(CredentialSource.standard(Optional.of(file), Kind.OAUTH, env, dir)
                        .origin())
                .as("a configured file is used even when it is missing")
                .isEqualTo("file " + file);
        assertThat(CredentialSource.standard(Optional.empty(), Kind.OAUTH, env, dir)
                        .origin())
                .isEqualTo("environment variable ANTHROPIC_API_KEY");
        assertThat(CredentialSource.standard(Optional.empty(), Kind.OAUTH, Map.of(), dir)
                        .origin())
                .isEqualTo("host login " + dir.resolve(".claude/.credentials.json"));
    }

    @Test
    void aCredentialsStringFormShowsOnlyAFingerprint() {
        Credential c = new Credential(Kind.API_KEY, "sk-ant-api03-secret");
        assertThat(c.toString()).doesNotContain("secret").matches("Credential\\[API_KEY, fp:[0-9a-f]{8}]");
        assertThat(c.fingerprint()).isEqualTo(new Credential(Kind.OAUTH, "sk-ant-api03-secret").fingerprint());
        assertThat(c.fingerprint()).isNotEqualTo(new Credential(Kind.API_KEY, "sk-ant-api03-secreT").fingerprint());
    }
}
