package dev.claudebridge.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.claudebridge.daemon.sandbox.Credential.Kind;
import dev.claudebridge.daemon.sandbox.CredentialProxy;
import dev.claudebridge.daemon.sandbox.CredentialSource;
import dev.claudebridge.daemon.sandbox.Grant;
import dev.claudebridge.it.MessagesStandIn.Received;
import java.io.File;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The real claude CLI talking to the API only through the credential proxy, as a sandboxed claude
 * will: its environment has the proxy's socket, the never-resolved base URL and a placeholder, and no
 * real credential. It must get the stand-in API's answer, and the stand-in must see the real
 * credential on every request and the placeholder on none.
 */
class CredentialProxyCliTest {
    private Path claude;
    private Path dir;
    private MessagesStandIn api;
    private CredentialProxy proxy;

    @BeforeEach
    void start() {
        claude = Bridge.realClaude();
        dir = Bridge.tempDir();
        api = new MessagesStandIn();
    }

    @AfterEach
    void stop() {
        if (proxy != null) {
            proxy.stop();
        }
        if (api != null) {
            api.close();
        }
        if (dir != null) {
            Bridge.deleteTree(dir);
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"sk-ant-api03-REAL-standin-key-0123456789", "sk-ant-oat01-REAL-standin-token-0123456789"})
    void claudeGetsTheAnswerAndOnlyTheApiSeesTheRealCredential(String real) throws Exception {
        Path keyFile = dir.resolve("credential");
        Files.writeString(keyFile, real + "\n");
        proxy = new CredentialProxy(URI.create(api.baseUrl()), CredentialSource.file(keyFile, Kind.API_KEY));
        Path socket = dir.resolve("api.sock");
        proxy.start(socket);
        Grant grant = proxy.grant("cli-test");
        Kind kind = real.startsWith("sk-ant-oat") ? Kind.OAUTH : Kind.API_KEY;
        assertThat(grant.kind()).isEqualTo(kind);

        Path home = Files.createDirectories(dir.resolve("home"));
        Files.writeString(home.resolve(".claude.json"), "{\"hasCompletedOnboarding\":true}");
        Path project = Files.createDirectories(dir.resolve("project"));
        ProcessBuilder pb = new ProcessBuilder(claude.toString(), "-p", "Say hello")
                .directory(project.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        pb.environment().keySet().removeIf(RealClaudeHost::foreign);
        pb.environment().putAll(grant.environment(socket));
        pb.environment()
                .putAll(Map.of(
                        "HOME", home.toString(),
                        "DISABLE_AUTOUPDATER", "1",
                        "CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC", "1"));
        Process p = pb.start();
        CompletableFuture<byte[]> err = CompletableFuture.supplyAsync(() -> Bridge.readAll(p.getErrorStream()));
        String out = new String(Bridge.readAll(p.getInputStream()), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("claude ended").isTrue();
        String errText = new String(err.get(), StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as("claude: %s %s", out, errText).isZero();
        assertThat(out).contains(MessagesStandIn.REPLY);

        List<Received> received = api.received();
        System.out.println("credential proxy, " + kind + ": " + received.size() + " requests: "
                + received.stream().map(r -> r.method() + " " + r.path()).toList() + ", usage " + grant.usage());
        assertThat(received).isNotEmpty();
        for (Received r : received) {
            assertThat(r.headers().toString()).as(r.path()).doesNotContain(grant.placeholder());
            assertThat(r.body()).as(r.path()).doesNotContain(grant.placeholder());
            assertThat(r.headers()).as(r.path()).doesNotContainKeys("via", "forwarded", "cookie");
            assertThat(r.headers().get("host"))
                    .as(r.path())
                    .containsExactly(URI.create(api.baseUrl()).getAuthority());
            if (kind == Kind.API_KEY) {
                assertThat(r.apiKey()).as(r.path()).isEqualTo(real);
                assertThat(r.authorization()).as(r.path()).isEmpty();
            } else {
                assertThat(r.authorization()).as(r.path()).isEqualTo("Bearer " + real);
                assertThat(r.apiKey()).as(r.path()).isEmpty();
                assertThat(String.join(",", r.headers().get("anthropic-beta")))
                        .as(r.path())
                        .contains("oauth-2025-04-20");
            }
        }
        assertThat(received).anySatisfy(r -> assertThat(r.path()).startsWith("/v1/messages"));
        assertThat(grant.usage().requests()).isEqualTo(received.size());
        assertThat(grant.usage().bytesUp())
                .isEqualTo(received.stream()
                        .mapToLong(r -> r.body().getBytes(StandardCharsets.UTF_8).length)
                        .sum());
        assertThat(grant.usage().bytesDown()).isPositive();
        grant.close();
    }
}
