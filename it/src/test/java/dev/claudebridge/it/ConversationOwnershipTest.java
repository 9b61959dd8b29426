package dev.claudebridge.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Conversations belong to their caller: with the real claude behind one daemon, client A (one socket)
 * starts conversations in a shared host directory; client B (another socket of the same profile, so
 * another identity) can neither resume, fork nor continue them, nor take A's session id, nor load a
 * transcript by path, while A can do all of that with its own.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConversationOwnershipTest {
    private static final Pattern SESSION = Pattern.compile("\"session_id\"\\s*:\\s*\"([0-9a-f-]{36})\"");
    private Path dir;
    private Path home;
    private Path ws;
    private MessagesStandIn api;
    private Bridge bridge;

    @BeforeAll
    void start() throws Exception {
        String prop = System.getProperty("claude.real", "");
        Assumptions.assumeTrue(
                !prop.isBlank() && Files.isExecutable(Path.of(prop)),
                "the real claude CLI is not installed (./build.sh test installs it into .tools/): skipped");
        dir = Bridge.tempDir();
        home = Files.createDirectories(dir.resolve("home"));
        ws = Files.createDirectories(dir.resolve("ws"));
        api = new MessagesStandIn();
        Path config = Bridge.writeConfig(dir, "config.yaml", """
                claude: { path: %s }
                listeners:
                  - { socket: %s }
                  - { socket: %s }
                profiles:
                  default: { mappings: ["%s=%s"], rate: { per-minute: 0 } }
                audit: { path: %s }
                """.formatted(
                        prop, dir.resolve("b.sock"), dir.resolve("other.sock"), dir, dir, dir.resolve("audit.log")));
        bridge = Bridge.startWithConfig(
                dir,
                Map.of(
                        "HOME",
                        home.toString(),
                        "ANTHROPIC_BASE_URL",
                        api.baseUrl(),
                        "ANTHROPIC_API_KEY",
                        "sk-ant-test"),
                config);
    }

    @AfterAll
    void stop() {
        if (bridge != null) {
            bridge.close();
        }
        if (api != null) {
            api.close();
        }
    }

    private Bridge.Result a(String... args) {
        return call("b.sock", args);
    }

    private Bridge.Result b(String... args) {
        return call("other.sock", args);
    }

    private Bridge.Result call(String socket, String... args) {
        ProcessBuilder pb = bridge.client(ws, args);
        pb.environment().put("CLAUDE_BRIDGE_SOCKET", dir.resolve(socket).toString());
        pb.environment().keySet().removeIf(n -> n.startsWith("ANTHROPIC_"));
        return Bridge.run(pb, new byte[0]);
    }

    private static String sessionOf(Bridge.Result r) {
        assertThat(r.status()).as(r.toString()).isZero();
        Matcher m = SESSION.matcher(r.out());
        assertThat(m.find()).as(r.out()).isTrue();
        return m.group(1);
    }

    /** The last agent-loop request: what claude sent the model, history included. */
    private String lastPrompt() {
        List<String> bodies = api.agentLoopBodies();
        return bodies.getLast();
    }

    /** A starts a conversation whose first prompt is a marker that shows up in every later request of it. */
    private String startA(String marker) {
        return sessionOf(a("-p", marker, "--output-format", "json"));
    }

    @Test
    void anotherCallerCannotResumeForkOrTakeTheId() throws Exception {
        String marker = "secret-of-A-" + UUID.randomUUID();
        String id = startA(marker);
        for (List<String> args : List.of(
                List.of("-p", "more", "--resume", id),
                List.of("-p", "more", "-r", id, "--fork-session"),
                List.of("-p", "more", "--resume=" + id),
                List.of("-p", "more", "--session-id", id),
                List.of("-p", "more", "--resume", id.toUpperCase()))) {
            int before = api.agentLoopBodies().size();
            Bridge.Result r = b(args.toArray(String[]::new));
            assertThat(r.status()).as(args + ": " + r).isEqualTo(78);
            assertThat(r.stderr()).contains("claude-bridge:");
            assertThat(api.agentLoopBodies()).hasSize(before); // claude never ran
        }
        JsonAudit.lastRule(dir.resolve("audit.log"), "conversation-owner");
        // A still can, in place and as a fork
        assertThat(sessionOf(a("-p", "again", "--resume", id, "--output-format", "json")))
                .isEqualTo(id);
        assertThat(lastPrompt()).contains(marker);
        String fork = sessionOf(a("-p", "fork", "--resume", id, "--fork-session", "--output-format", "json"));
        assertThat(fork).isNotEqualTo(id);
        assertThat(lastPrompt()).contains(marker);
    }

    @Test
    void continueNeverPicksUpAnotherCallersConversation() {
        String marker = "latest-of-A-" + UUID.randomUUID();
        String id = startA(marker);
        String other = sessionOf(b("-p", "hello from B", "-c", "--output-format", "json"));
        assertThat(other).isNotEqualTo(id);
        assertThat(lastPrompt()).doesNotContain(marker);
        // B's own continue finds B's conversation; A's finds A's
        assertThat(sessionOf(b("-p", "again B", "--continue", "--output-format", "json")))
                .isEqualTo(other);
        assertThat(lastPrompt()).doesNotContain(marker).contains("hello from B");
        assertThat(sessionOf(a("-pc", "again A", "--output-format", "json"))).isEqualTo(id);
        assertThat(lastPrompt()).contains(marker);
    }

    @Test
    void aTranscriptPathIsRefused() throws Exception {
        String id = startA("path-" + UUID.randomUUID());
        Path transcript;
        try (Stream<Path> s = Files.walk(home.resolve(".claude/projects"))) {
            transcript = s.filter(p -> p.getFileName().toString().equals(id + ".jsonl"))
                    .findFirst()
                    .orElseThrow();
        }
        Bridge.Result r = b("-p", "more", "--resume", transcript.toString());
        assertThat(r.status()).as(r.toString()).isEqualTo(78);
        assertThat(r.stderr()).contains("path");
        Bridge.Result own = a("-p", "more", "--resume", transcript.toString());
        assertThat(own.status()).as(own.toString()).isEqualTo(78);
        assertThat(a("--version").status()).isZero(); // still serving
    }

    @Test
    void theResumePickerIsRefused() {
        Bridge.Result r = b("-p", "--resume");
        assertThat(r.status()).as(r.toString()).isEqualTo(78);
        assertThat(r.stderr()).contains("--resume SESSION_ID");
    }

    /** The audit log's last end record names the rule. */
    private static final class JsonAudit {
        static void lastRule(Path log, String rule) {
            var ends = new AuditLines(log).ends();
            assertThat(ends).isNotEmpty();
            assertThat(ends.stream().map(n -> n.path("rule").asText())).contains(rule);
        }
    }
}
