package dev.claudebridge.daemon.sandbox;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.claudebridge.daemon.sandbox.Credential.Kind;
import dev.claudebridge.daemon.sandbox.Upstream.Seen;
import dev.claudebridge.daemon.transport.ListenerException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.LoggerFactory;

/**
 * The proxy over a real Unix socket in front of a real HTTP stand-in for the API: what the API sees,
 * what a caller without a live placeholder gets, streaming, the counters, and that no log line holds a
 * secret.
 */
@Timeout(value = 60, unit = SECONDS)
class CredentialProxyTest {
    private static final String API_KEY = "sk-ant-api03-REAL-key-0123456789abcdefghij";
    private static final String OAUTH = "sk-ant-oat01-REAL-token-0123456789abcdefghij";

    private Path dir;
    private Path keyFile;
    private Path socket;
    private Upstream upstream;
    private CredentialProxy proxy;
    private final List<String> secrets = new ArrayList<>(List.of(API_KEY, OAUTH));
    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();

    @BeforeEach
    void start() throws IOException {
        dir = Files.createTempDirectory(
                "proxy", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        keyFile = dir.resolve("key");
        socket = dir.resolve("api.sock");
        upstream = new Upstream();
        logs.start();
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).addAppender(logs);
        ((Logger) LoggerFactory.getLogger(InjectingHandler.class)).setLevel(ch.qos.logback.classic.Level.DEBUG);
        ((Logger) LoggerFactory.getLogger(CredentialProxy.class)).setLevel(ch.qos.logback.classic.Level.DEBUG);
    }

    @AfterEach
    void stop() throws IOException {
        if (proxy != null) {
            proxy.stop();
        }
        upstream.close();
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).detachAppender(logs);
        try (var files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
        assertThat(logs.list)
                .as("no log line holds a credential or a placeholder")
                .isNotEmpty()
                .allSatisfy(e -> assertThat(e.getFormattedMessage()).doesNotContain(secrets.toArray(String[]::new)));
    }

    private Grant startWith(String secret) throws IOException {
        Files.writeString(keyFile, secret + "\n");
        proxy = new CredentialProxy(upstream.uri(), CredentialSource.file(keyFile, Kind.API_KEY));
        proxy.start(socket);
        return grant("req-1");
    }

    private Grant grant(String requestId) {
        Grant g = proxy.grant(requestId);
        secrets.add(g.placeholder());
        return g;
    }

    @Test
    void theApiSeesTheRealKeyAndNeverThePlaceholder() throws IOException {
        Grant g = startWith(API_KEY);
        assertThat(g.kind()).isEqualTo(Kind.API_KEY);
        assertThat(g.environment(Path.of("/run/claude-bridge/api.sock")))
                .containsEntry("ANTHROPIC_API_KEY", g.placeholder())
                .containsEntry("ANTHROPIC_UNIX_SOCKET", "/run/claude-bridge/api.sock")
                .containsEntry("ANTHROPIC_BASE_URL", "http://claude-bridge.invalid");
        byte[] body = "{\"model\":\"m\",\"messages\":[]}".getBytes(StandardCharsets.UTF_8);

        UnixHttp.Reply r = UnixHttp.exchange(
                socket,
                "POST",
                "/v1/echo?beta=true",
                Map.of(
                        "x-api-key", g.placeholder(),
                        "Cookie", "session=abc",
                        "Proxy-Authorization", "Basic Zm9vOmJhcg==",
                        "anthropic-version", "2023-06-01",
                        "User-Agent", "claude-cli/2.1.197 (external, cli)"),
                body);

        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body()).isEqualTo(Upstream.ECHO);
        assertThat(upstream.seen()).hasSize(1);
        Seen s = upstream.seen().get(0);
        assertThat(s.method()).isEqualTo("POST");
        assertThat(s.target()).isEqualTo("/v1/echo?beta=true");
        assertThat(s.body()).isEqualTo(body);
        assertThat(s.header("x-api-key")).isEqualTo(API_KEY);
        assertThat(s.header("host")).isEqualTo(upstream.uri().getAuthority());
        assertThat(s.header("anthropic-version")).isEqualTo("2023-06-01");
        assertThat(s.header("user-agent")).isEqualTo("claude-cli/2.1.197 (external, cli)");
        assertThat(s.headers())
                .doesNotContainKeys("authorization", "cookie", "proxy-authorization", "via", "forwarded");
        assertThat(s.headers().toString()).doesNotContain(g.placeholder());
    }

    @Test
    void anUnknownOrClosedPlaceholderIsRefusedAndNothingReachesTheApi() throws IOException {
        Grant g = startWith(API_KEY);
        Grant other = grant("req-2");
        String unknown = Grants.PREFIX + "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
        other.close();
        List<Map<String, String>> refused = List.of(
                Map.of(),
                Map.of("x-api-key", unknown),
                Map.of("x-api-key", API_KEY), // the real key itself is no placeholder
                Map.of("Authorization", "Bearer " + unknown),
                Map.of("Authorization", "Basic " + g.placeholder()),
                Map.of("x-api-key", other.placeholder()),
                Map.of("x-api-key", g.placeholder(), "Authorization", "Bearer " + unknown));
        for (Map<String, String> headers : refused) {
            UnixHttp.Reply r = UnixHttp.exchange(socket, "POST", "/v1/messages", headers, "{}".getBytes());
            assertThat(r.status()).as("%s", headers.keySet()).isEqualTo(401);
            assertThat(r.headers().get("content-type")).startsWith("application/json");
            assertThat(r.body())
                    .startsWith("{\"type\":\"error\",\"error\":{\"type\":\"authentication_error\",\"message\":\"")
                    .doesNotContain(g.placeholder(), other.placeholder(), unknown, API_KEY);
        }
        assertThat(upstream.seen()).isEmpty();
        assertThat(g.usage()).isEqualTo(new Usage(0, 0, 0, OptionalInt.empty()));
        assertThat(proxy.liveGrants()).isEqualTo(1);
        assertThat(logs.list)
                .filteredOn(e -> e.getFormattedMessage().startsWith("refused POST /v1/messages"))
                .hasSize(refused.size());
    }

    @Test
    void aClosedGrantsPlaceholderStopsWorking() throws IOException {
        Grant g = startWith(API_KEY);
        Map<String, String> auth = Map.of("x-api-key", g.placeholder());
        assertThat(UnixHttp.exchange(socket, "GET", "/v1/echo", auth).status()).isEqualTo(200);
        g.close();
        g.close();
        assertThat(UnixHttp.exchange(socket, "GET", "/v1/echo", auth).status()).isEqualTo(401);
        assertThat(upstream.seen()).hasSize(1);
        assertThat(proxy.liveGrants()).isZero();
    }

    @Test
    void serverSentEventsArriveBeforeTheApiHasFinished() throws Exception {
        Grant g = startWith(API_KEY);
        try (InputStream in = UnixHttp.open(
                socket, "POST", "/v1/messages?beta=true", Map.of("x-api-key", g.placeholder()), "{}".getBytes())) {
            // read until the first event is in; the stand-in holds the rest back until released
            CompletableFuture<String> first = CompletableFuture.supplyAsync(
                    () -> readUntil(in, "message_start\"}\n\n"), Executors.newVirtualThreadPerTaskExecutor());
            String head = first.get(30, SECONDS);
            assertThat(upstream.finished())
                    .as("the stand-in is still holding the last event")
                    .isFalse();
            assertThat(head).startsWith("HTTP/1.1 200").contains("text/event-stream");
            upstream.release();
            String rest = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            assertThat(rest).contains("message_stop");
        }
        assertThat(upstream.finished()).isTrue();
    }

    private static String readUntil(InputStream in, String marker) {
        StringBuilder b = new StringBuilder();
        try {
            while (b.indexOf(marker) < 0) {
                int c = in.read();
                if (c < 0) {
                    throw new IllegalStateException("end of stream before " + marker + ": " + b);
                }
                b.append((char) c);
            }
            return b.toString();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aSubscriptionTokenGoesAsBearerWithTheOauthBeta() throws IOException {
        Grant g = startWith(OAUTH);
        assertThat(g.kind()).isEqualTo(Kind.OAUTH);
        assertThat(g.environment(socket)).containsEntry("CLAUDE_CODE_OAUTH_TOKEN", g.placeholder());
        Map<String, String> bearer = Map.of("Authorization", "Bearer " + g.placeholder());
        UnixHttp.exchange(socket, "GET", "/v1/echo", bearer);
        UnixHttp.exchange(
                socket,
                "GET",
                "/v1/echo",
                Map.of(
                        "Authorization",
                        "bearer " + g.placeholder(),
                        "anthropic-beta",
                        "oauth-2025-04-20,claude-code-20250219"));

        List<Seen> seen = upstream.seen();
        assertThat(seen).hasSize(2);
        assertThat(seen).allSatisfy(s -> {
            assertThat(s.header("authorization")).isEqualTo("Bearer " + OAUTH);
            assertThat(s.headers()).doesNotContainKey("x-api-key");
        });
        assertThat(seen.get(0).header("anthropic-beta")).isEqualTo("oauth-2025-04-20");
        assertThat(seen.get(1).header("anthropic-beta")).isEqualTo("oauth-2025-04-20,claude-code-20250219");
    }

    @Test
    void eachGrantCountsItsRequestsBytesAndLastStatus() throws IOException {
        Grant g = startWith(API_KEY);
        Grant quiet = grant("req-2");
        Map<String, String> auth = Map.of("x-api-key", g.placeholder());
        byte[] body = "b".repeat(100_000).getBytes(StandardCharsets.UTF_8);

        UnixHttp.exchange(socket, "POST", "/v1/echo", auth, body);
        assertThat(g.usage()).isEqualTo(new Usage(1, body.length, Upstream.ECHO.length(), OptionalInt.of(200)));

        UnixHttp.Reply missing = UnixHttp.exchange(socket, "GET", "/v1/nothing", auth);
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.body()).isEqualTo(Upstream.NOT_FOUND);
        UnixHttp.exchange(socket, "GET", "/v1/echo", Map.of("x-api-key", "sk-ant-bridge-unknown"));
        assertThat(g.usage())
                .isEqualTo(new Usage(
                        2, body.length, Upstream.ECHO.length() + Upstream.NOT_FOUND.length(), OptionalInt.of(404)));
        assertThat(quiet.usage()).isEqualTo(new Usage(0, 0, 0, OptionalInt.empty()));
        g.close();
        assertThat(g.usage().requests()).as("readable after closing").isEqualTo(2);
    }

    @Test
    void aRotatedFileIsUsedFromTheNextRequestOn() throws IOException {
        Grant g = startWith(API_KEY);
        Map<String, String> auth = Map.of("x-api-key", g.placeholder());
        UnixHttp.exchange(socket, "GET", "/v1/echo", auth);
        String rotated = "sk-ant-api03-ROTATED-0123456789";
        secrets.add(rotated);
        Path next = dir.resolve("key.next");
        Files.writeString(next, rotated);
        Files.move(next, keyFile, StandardCopyOption.ATOMIC_MOVE);
        UnixHttp.exchange(socket, "GET", "/v1/echo", auth);
        assertThat(upstream.seen()).extracting(s -> s.header("x-api-key")).containsExactly(API_KEY, rotated);
    }

    @Test
    void withoutACredentialNoGrantIsMadeAndNothingIsForwarded() throws IOException {
        Grant g = startWith(API_KEY);
        Files.delete(keyFile);
        assertThatThrownBy(() -> proxy.grant("req-2"))
                .isInstanceOf(CredentialException.class)
                .hasMessageContaining(keyFile.toString());
        UnixHttp.Reply r = UnixHttp.exchange(socket, "GET", "/v1/echo", Map.of("x-api-key", g.placeholder()));
        assertThat(r.status()).isEqualTo(401);
        assertThat(r.body()).contains("authentication_error").doesNotContain(keyFile.toString());
        assertThat(upstream.seen()).isEmpty();
    }

    @Test
    void anUnreachableApiIsA502InTheApisFormat() throws IOException {
        Files.writeString(keyFile, API_KEY);
        int port = upstream.uri().getPort();
        upstream.close(); // nothing listens there any more
        proxy = new CredentialProxy(
                URI.create("http://127.0.0.1:" + port), CredentialSource.file(keyFile, Kind.API_KEY));
        proxy.start(socket);
        Grant g = grant("req-1");
        UnixHttp.Reply r = UnixHttp.exchange(socket, "GET", "/v1/echo", Map.of("x-api-key", g.placeholder()));
        assertThat(r.status()).isEqualTo(502);
        assertThat(r.body()).startsWith("{\"type\":\"error\",\"error\":{\"type\":\"api_error\"");
        assertThat(g.usage()).isEqualTo(new Usage(1, 0, 0, OptionalInt.of(502)));
    }

    @Test
    void theSocketIsOwnerOnlyReplacesAStaleOneAndIsRemovedOnStop() throws IOException {
        Files.writeString(keyFile, API_KEY);
        proxy = new CredentialProxy(upstream.uri(), CredentialSource.file(keyFile, Kind.API_KEY));
        proxy.start(socket);
        assertThat(Files.getPosixFilePermissions(socket)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        proxy.stop();
        assertThat(socket).doesNotExist();

        // a socket file left behind by a run that died: bound, never removed
        try (var ch = java.nio.channels.ServerSocketChannel.open(java.net.StandardProtocolFamily.UNIX)) {
            ch.bind(java.net.UnixDomainSocketAddress.of(socket));
        }
        assertThat(socket).exists();
        proxy.start(socket);
        Grant g = grant("req-1");
        assertThat(UnixHttp.exchange(socket, "GET", "/v1/echo", Map.of("x-api-key", g.placeholder()))
                        .status())
                .isEqualTo(200);
        proxy.stop();
        proxy.stop();
        assertThat(socket).doesNotExist();

        Files.writeString(socket, "not a socket");
        assertThatThrownBy(() -> proxy.start(socket))
                .isInstanceOf(ListenerException.class)
                .hasMessageContaining("is not a socket");
        assertThat(socket).hasContent("not a socket");
    }
}
