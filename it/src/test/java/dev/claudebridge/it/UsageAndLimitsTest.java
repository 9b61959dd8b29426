package dev.claudebridge.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Usage, budgets and the API's limits with the real claude CLI and the stand-in API: what the stand-in
 * reports is what the audit log, the status API and /metrics say each client used; a client over its
 * budget is refused while another is not; a "limit reached" answer pauses starts, with the reason in
 * the queue notice, until the reset; and the start rate spaces starts.
 *
 * <p>The host claude is logged in by a subscription token (CLAUDE_CODE_OAUTH_TOKEN), the mode in which
 * the CLI reads the API's {@code anthropic-ratelimit-unified-*} headers and reports them.
 */
class UsageAndLimitsTest {
    private static final MessagesStandIn.Usage FIGURES = new MessagesStandIn.Usage(1234, 56, 78, 9);
    private static final long TOKENS = 1234 + 56 + 78 + 9;

    /** A host: the real CLI behind a daemon with an admin endpoint, two agents' sockets (two clients), one profile. */
    private static final class Host implements AutoCloseable {
        final Path dir = Bridge.tempDir();
        final Path home;
        final Path project;
        final MessagesStandIn api = new MessagesStandIn();
        Bridge bridge;
        String admin;
        private final Map<String, String> env;
        private final Path config;

        Host(String profileExtra, String limits) throws IOException {
            String real = System.getProperty("claude.real", "");
            org.junit.jupiter.api.Assumptions.assumeTrue(
                    !real.isBlank() && Files.isExecutable(Path.of(real)),
                    "no claude CLI at -Dclaude.real (./build.sh test installs it into .tools/): skipped");
            Path claude = Path.of(real);
            home = Files.createDirectories(dir.resolve("home"));
            Files.writeString(home.resolve(".claude.json"), "{\"hasCompletedOnboarding\":true,\"theme\":\"dark\"}");
            project = Files.createDirectories(dir.resolve("project"));
            env = new HashMap<>(Map.of(
                    "HOME", home.toString(),
                    "ANTHROPIC_BASE_URL", api.baseUrl(),
                    "CLAUDE_CODE_OAUTH_TOKEN", "sk-ant-oat01-standin",
                    "DISABLE_AUTOUPDATER", "1",
                    "DISABLE_TELEMETRY", "1",
                    "CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC", "1"));
            config = Bridge.writeConfig(dir, "config.yaml", """
                    claude: { path: "%s" }
                    listeners: [ { socket: "%s" }, { socket: "%s" } ]
                    limits: { %s }
                    profiles:
                      default: { mappings: ["%s=%s"], rate: { per-minute: 0 }%s }
                    audit: { path: "%s" }
                    """.formatted(
                            claude,
                            dir.resolve("b.sock"),
                            dir.resolve("c.sock"),
                            limits,
                            project,
                            project,
                            profileExtra.isEmpty() ? "" : ", " + profileExtra,
                            dir.resolve("audit.log")));
            try {
                bridge = Bridge.startWithConfig(
                        dir, RealClaudeHost::foreign, env, config, "--admin-listen", "127.0.0.1:0");
            } catch (RuntimeException e) {
                api.close();
                Bridge.deleteTree(dir);
                throw e;
            }
            admin = bridge.adminUrl();
        }

        /** Stops the daemon (SIGTERM, keeping its files) and starts another on the same configuration and audit log. */
        void restart() throws InterruptedException {
            bridge.daemon().destroy();
            assertThat(bridge.daemon().waitFor(30, java.util.concurrent.TimeUnit.SECONDS))
                    .isTrue();
            bridge = Bridge.startWithConfig(dir, RealClaudeHost::foreign, env, config, "--admin-listen", "127.0.0.1:0");
            admin = bridge.adminUrl();
        }

        /** A caller named {@code client} on socket {@code sock} ("b.sock" or "c.sock"). */
        ProcessBuilder caller(String sock, String client, String... args) {
            ProcessBuilder pb = bridge.client(project, args);
            pb.environment().keySet().removeIf(RealClaudeHost::foreign);
            pb.environment().put("CLAUDE_BRIDGE_SOCKET", dir.resolve(sock).toString());
            pb.environment().put("CLAUDE_BRIDGE_CLIENT_NAME", client);
            return pb;
        }

        Bridge.Result run(String sock, String client, String... args) {
            return Bridge.run(caller(sock, client, args), new byte[0]);
        }

        AuditLines audit() {
            return new AuditLines(dir.resolve("audit.log"));
        }

        @Override
        public void close() {
            api.close();
            bridge.close();
        }
    }

    @Test
    void usageOfJsonStreamJsonAndTextOutputIsWhatTheApiReported() throws Exception {
        try (Host h = new Host("", "start-rate: 0")) {
            h.api.usage(FIGURES);
            Bridge.Result json = h.run("b.sock", "agent-json", "-p", "--output-format", "json", "hi");
            assertThat(json.status()).as(json.toString()).isZero();
            Bridge.Result stream =
                    h.run("b.sock", "agent-json", "-p", "--output-format", "stream-json", "--verbose", "hi");
            assertThat(stream.status()).as(stream.toString()).isZero();
            Bridge.Result text = h.run("c.sock", "agent-text", "-p", "hi");
            assertThat(text.status()).as(text.toString()).isZero();
            assertThat(text.out()).contains(MessagesStandIn.REPLY);

            List<JsonNode> ends = ran(h, 3);
            for (JsonNode end : ends) {
                JsonNode u = end.path("usage");
                assertThat(u.path("input_tokens").asLong()).as(end.toString()).isEqualTo(1234);
                assertThat(u.path("output_tokens").asLong()).as(end.toString()).isEqualTo(56);
                assertThat(u.path("cache_read_tokens").asLong())
                        .as(end.toString())
                        .isEqualTo(78);
                assertThat(u.path("cache_creation_tokens").asLong())
                        .as(end.toString())
                        .isEqualTo(9);
                assertThat(u.path("turns").asLong()).as(end.toString()).isEqualTo(1);
                assertThat(u.path("model").asText()).as(end.toString()).isNotEmpty();
            }
            JsonNode fromJson = h.audit().endOf("agent-json");
            assertThat(ends.get(0).path("usage").path("source").asText()).isEqualTo("result");
            assertThat(ends.get(0).path("usage").path("cost_usd").isNumber())
                    .as("claude reports its cost in its result: %s", ends.get(0))
                    .isTrue();
            assertThat(ends.get(1).path("usage").path("source").asText()).isEqualTo("result");
            JsonNode fromText = h.audit().endOf("agent-text");
            assertThat(fromText.path("usage").path("source").asText())
                    .as("plain text is never parsed; the transcript is read: %s", fromText)
                    .isEqualTo("transcript");
            assertThat(fromText.path("usage").path("cost_usd").isNull()).isTrue();
            assertThat(fromJson).isNotNull();

            JsonNode status = AdminHttp.status(h.admin);
            JsonNode jsonClient = client(status, "agent-json");
            assertThat(jsonClient.path("profile").asText()).isEqualTo("default");
            assertThat(jsonClient.path("requests").asLong()).isEqualTo(2);
            assertThat(jsonClient.path("inputTokens").asLong()).isEqualTo(2 * 1234);
            assertThat(jsonClient.path("outputTokens").asLong()).isEqualTo(2 * 56);
            assertThat(jsonClient.path("cacheReadTokens").asLong()).isEqualTo(2 * 78);
            assertThat(jsonClient.path("cacheCreationTokens").asLong()).isEqualTo(2 * 9);
            assertThat(jsonClient.path("costUsd").asDouble()).isPositive();
            JsonNode textClient = client(status, "agent-text");
            assertThat(textClient.path("requests").asLong()).isEqualTo(1);
            assertThat(textClient.path("inputTokens").asLong()).isEqualTo(1234);

            String metrics = AdminHttp.get(h.admin + "/metrics").body();
            assertThat(metric(metrics, "claude_bridge_usage_tokens_total", "default", "agent-json", "input"))
                    .as(metrics)
                    .isEqualTo(2 * 1234);
            assertThat(metric(metrics, "claude_bridge_usage_tokens_total", "default", "agent-text", "output"))
                    .isEqualTo(56);
            assertThat(metric(metrics, "claude_bridge_usage_requests_total", "default", "agent-json", null))
                    .isEqualTo(2);
            // both exposition formats stay valid with the usage series in them (the Prometheus project's parsers)
            java.util.Optional<String> python = AdminHttp.python();
            if (python.isPresent()) {
                List<AdminHttp.Sample> strict = AdminHttp.parse(
                        python.get(),
                        "openmetrics",
                        AdminHttp.get(h.admin + "/metrics", "Accept", "application/openmetrics-text; version=1.0.0")
                                .body());
                assertThat(AdminHttp.value(
                                strict,
                                "claude_bridge_usage_tokens_total",
                                "profile=default",
                                "client=agent-json",
                                "kind=cache_read"))
                        .isEqualTo(2 * 78);
                AdminHttp.parse(python.get(), "prometheus", metrics);
            }
        }
    }

    @Test
    void aClientOverItsDailyBudgetIsRefusedAndAnotherIsNot() throws Exception {
        try (Host h = new Host("budget: { client-tokens-per-day: " + (TOKENS + 1) + " }", "start-rate: 0")) {
            h.api.usage(FIGURES);
            assertThat(h.run("b.sock", "spender", "-p", "hi").status()).isZero();
            assertThat(h.run("b.sock", "spender", "-p", "again").status())
                    .as("one request's usage is still under the budget")
                    .isZero();
            ran(h, 2);
            Bridge.Result refused = h.run("b.sock", "spender", "-p", "once more");
            assertThat(refused.status()).as(refused.toString()).isEqualTo(82);
            assertThat(refused.stderr())
                    .contains("budget")
                    .contains(Long.toString(2 * TOKENS))
                    .contains("resets at");
            Bridge.Result other = h.run("c.sock", "saver", "-p", "hi");
            assertThat(other.status())
                    .as("another client has its own budget: %s", other)
                    .isZero();
            assertThat(other.out()).contains(MessagesStandIn.REPLY);
            ran(h, 3);
            List<JsonNode> ends = h.audit().ends();
            JsonNode denied = ends.stream()
                    .filter(e -> e.path("outcome").asText().equals("budget_exhausted"))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError("no budget_exhausted record: " + ends));
            assertThat(denied.path("decision").asText()).isEqualTo("denied");
            assertThat(denied.path("rule").asText()).isEqualTo("budget.client-tokens-per-day");
            assertThat(denied.path("client").asText()).isEqualTo("spender");

            h.restart();
            Bridge.Result afterRestart = h.run("b.sock", "spender", "-p", "after a restart");
            assertThat(afterRestart.status())
                    .as("a restart counts today's usage from the audit log again: %s", afterRestart)
                    .isEqualTo(82);
            assertThat(h.run("c.sock", "saver", "-p", "hi").status()).isZero();
        }
    }

    @Test
    void aRequestPastItsOwnBudgetIsEndedAfterTheTurnThatPassedIt() throws Exception {
        try (Host h = new Host("budget: { request-tokens: 1000 }", "start-rate: 0")) {
            h.api.usage(FIGURES);
            Process p = h.caller(
                            "b.sock",
                            "long-session",
                            "-p",
                            "--input-format",
                            "stream-json",
                            "--output-format",
                            "stream-json",
                            "--verbose")
                    .start();
            CompletableFuture<byte[]> out = CompletableFuture.supplyAsync(() -> Bridge.readAll(p.getInputStream()));
            CompletableFuture<byte[]> err = CompletableFuture.supplyAsync(() -> Bridge.readAll(p.getErrorStream()));
            // one user turn, and stdin left open: an SDK session that would go on
            p.getOutputStream()
                    .write("{\"type\":\"user\",\"message\":{\"role\":\"user\",\"content\":\"hi\"}}\n"
                            .getBytes(java.nio.charset.StandardCharsets.UTF_8));
            p.getOutputStream().flush();
            try {
                assertThat(p.waitFor(90, java.util.concurrent.TimeUnit.SECONDS))
                        .as("ended by its budget")
                        .isTrue();
                String stderr = new String(err.join(), java.nio.charset.StandardCharsets.UTF_8);
                assertThat(new String(out.join(), java.nio.charset.StandardCharsets.UTF_8))
                        .contains("\"type\":\"result\"");
                assertThat(stderr)
                        .contains("the request used " + TOKENS + " tokens, more than its budget of 1000")
                        .contains("budget.request-tokens");
                assertThat(p.exitValue()).isNotZero();
            } finally {
                p.destroyForcibly();
            }
            JsonNode end = h.audit().endOf("long-session");
            assertThat(end.path("usage").path("input_tokens").asLong()).isEqualTo(1234);
        }
    }

    @Test
    void aLimitReachedAnswerPausesStartsUntilTheResetAndTheNoticeSaysWhy() throws Exception {
        try (Host h = new Host("", "start-rate: 0")) {
            long reset = Instant.now().getEpochSecond() + 30; // far enough ahead for the first run to end before it
            h.api.refuse(new MessagesStandIn.Refusal(
                    429,
                    Map.of(
                            "anthropic-ratelimit-unified-status", "rejected",
                            "anthropic-ratelimit-unified-reset", Long.toString(reset),
                            "anthropic-ratelimit-unified-representative-claim", "five_hour")));
            Bridge.Result limited = h.run("b.sock", "first", "-p", "--output-format", "stream-json", "--verbose", "hi");
            assertThat(limited.out()).as(limited.toString()).contains("rate_limit_event");

            JsonNode paused = AdminHttp.status(h.admin).path("rateLimit");
            assertThat(paused.path("status").asText()).as(paused.toString()).isEqualTo("rejected");
            assertThat(paused.path("reason").asText()).isEqualTo("five_hour");
            assertThat(paused.path("resetsAt").asText())
                    .isEqualTo(Instant.ofEpochSecond(reset).toString());
            assertThat(paused.path("startsPaused").asBoolean()).isTrue();
            String metrics = AdminHttp.get(h.admin + "/metrics").body();
            assertThat(metrics).containsPattern("claude_bridge_api_rate_limit_status\\{status=\"rejected\"} 1");
            assertThat(metrics).containsPattern("claude_bridge_starts_paused 1");

            Bridge.Result waited = h.run("c.sock", "second", "-p", "hi");
            Instant after = Instant.now();
            assertThat(waited.status()).as(waited.toString()).isZero();
            assertThat(waited.out()).contains(MessagesStandIn.REPLY);
            assertThat(waited.stderr())
                    .as("the queue notice says why it waits")
                    .contains("waiting: the API refused the host's login for now (five_hour)")
                    .contains("starts resume at");
            JsonNode second = h.audit().endOf("second");
            Instant started = Instant.parse(second.path("started").asText());
            assertThat(started).as("started only after the reset").isAfterOrEqualTo(Instant.ofEpochSecond(reset));
            assertThat(after).isAfter(started);
        }
    }

    @Test
    void aRateLimitWithoutAResetTimeBacksOffForTheConfiguredTime() throws Exception {
        try (Host h = new Host("", "start-rate: 0, api-backoff: 4s")) {
            h.api.refuse(new MessagesStandIn.Refusal(429, Map.of("anthropic-ratelimit-unified-status", "rejected")));
            Bridge.Result limited = h.run("b.sock", "first", "-p", "hi");
            assertThat(limited.status()).as(limited.toString()).isNotZero();
            Instant refusedAt =
                    Instant.parse(h.audit().endOf("first").path("ended").asText());
            Bridge.Result waited = h.run("c.sock", "second", "-p", "hi");
            assertThat(waited.status()).as(waited.toString()).isZero();
            assertThat(waited.stderr()).contains("waiting: the API refused the host's login for now");
            Instant started =
                    Instant.parse(h.audit().endOf("second").path("started").asText());
            assertThat(started).isAfterOrEqualTo(refusedAt.plusSeconds(3));
        }
    }

    @Test
    void theStartRateSpacesStarts() throws Exception {
        try (Host h = new Host("", "start-rate: 1")) {
            List<CompletableFuture<Bridge.Result>> runs = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                ProcessBuilder pb = h.caller(i % 2 == 0 ? "b.sock" : "c.sock", "paced-" + i, "-p", "hi");
                runs.add(CompletableFuture.supplyAsync(() -> Bridge.run(pb, new byte[0])));
            }
            for (CompletableFuture<Bridge.Result> r : runs) {
                assertThat(r.join().status()).as(r.join().toString()).isZero();
            }
            List<Instant> starts = ran(h, 3).stream()
                    .map(e -> Instant.parse(e.path("started").asText()))
                    .sorted()
                    .toList();
            for (int i = 1; i < starts.size(); i++) {
                assertThat(java.time.Duration.between(starts.get(i - 1), starts.get(i)))
                        .as("starts at %s", starts)
                        .isGreaterThanOrEqualTo(java.time.Duration.ofMillis(950));
            }
        }
    }

    /** The end records of requests that ran (not the fixture's connection probes), waiting for {@code n}. */
    private static List<JsonNode> ran(Host h, int n) {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
        List<JsonNode> out = List.of();
        while (System.nanoTime() < deadline) {
            out = h.audit().ends().stream().filter(e -> e.has("started")).toList();
            if (out.size() >= n) {
                return out;
            }
            Bridge.sleep(20);
        }
        throw new AssertionError("expected " + n + " requests that ran, found " + out);
    }

    private static JsonNode client(JsonNode status, String name) {
        for (JsonNode c : status.path("usage").path("clients")) {
            if (c.path("client").asText().equals(name)) {
                return c;
            }
        }
        throw new AssertionError("no client " + name + " in the status report's usage: " + status.path("usage"));
    }

    /** A sample's value from the Prometheus text format (labels as the client library writes them, sorted). */
    private static double metric(String text, String name, String profile, String client, String kind) {
        String labels = "client=\"" + Pattern.quote(client) + "\"" + (kind == null ? "" : ",kind=\"" + kind + "\"")
                + ",profile=\"" + profile + "\"";
        Matcher m = Pattern.compile("(?m)^" + name + "\\{" + labels + "} ([0-9.eE+]+)$")
                .matcher(text);
        if (!m.find()) {
            throw new AssertionError("no " + name + " for " + client + "/" + kind + " in:\n" + text);
        }
        return Double.parseDouble(m.group(1));
    }
}
