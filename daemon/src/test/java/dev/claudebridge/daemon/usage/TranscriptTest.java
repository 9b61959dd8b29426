package dev.claudebridge.daemon.usage;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TranscriptTest {
    private static final String ID = "11111111-2222-3333-4444-555555555555";

    @TempDir
    Path home;

    private static String assistant(String id, long in, long out) {
        return "{\"parentUuid\":\"p\",\"message\":{\"id\":\"" + id
                + "\",\"model\":\"claude-y\",\"usage\":{\"input_tokens\":"
                + in + ",\"output_tokens\":" + out
                + ",\"cache_read_input_tokens\":2,\"cache_creation_input_tokens\":1}},\"type\":\"assistant\"}\n";
    }

    @Test
    void readsTheMessagesWrittenDuringTheRequestEachOnce() throws Exception {
        Path cwd = Path.of("/srv/work.dir/a b");
        Path dir = Files.createDirectories(home.resolve(".claude/projects/-srv-work-dir-a-b"));
        Path file = dir.resolve(ID + ".jsonl");
        Files.writeString(file, assistant("old", 1000, 1000)); // an earlier request of the same conversation
        Transcript t = Transcript.before(
                        List.of("claude", "--session-id", ID, "-p", "hi"), Map.of("HOME", home.toString()), cwd)
                .orElseThrow();
        assertThat(t.file()).isEqualTo(file);
        Files.writeString(
                file,
                "not json\n" + assistant("m1", 10, 1) + assistant("m1", 10, 1) + "{\"type\":\"user\"}\n"
                        + assistant("m2", 20, 2),
                java.nio.file.StandardOpenOption.APPEND);
        List<RateLimitInfo> limits = new ArrayList<>();
        TokenUsage u = t.usage(limits::add).orElseThrow();
        assertThat(u.inputTokens()).isEqualTo(30);
        assertThat(u.outputTokens()).isEqualTo(3);
        assertThat(u.cacheReadTokens()).isEqualTo(4);
        assertThat(u.cacheCreationTokens()).isEqualTo(2);
        assertThat(u.turns()).isEqualTo(2);
        assertThat(u.model()).isEqualTo("claude-y");
        assertThat(u.costUsd()).isEmpty();
        assertThat(u.source()).isEqualTo("transcript");
        assertThat(limits).isEmpty();
    }

    @Test
    void theApiRefusalInATranscriptIsReported() throws Exception {
        Path cwd = Path.of("/w");
        Transcript t = Transcript.before(
                        List.of("claude", "--resume", ID), Map.of("CLAUDE_CONFIG_DIR", home.toString()), cwd)
                .orElseThrow();
        Files.createDirectories(t.file().getParent());
        Files.writeString(
                t.file(),
                "{\"type\":\"assistant\",\"message\":{\"id\":\"x\",\"model\":\"<synthetic>\",\"usage\":{}},"
                        + "\"error\":\"rate_limit\",\"isApiErrorMessage\":true,\"apiErrorStatus\":429}\n");
        List<RateLimitInfo> limits = new ArrayList<>();
        assertThat(t.usage(limits::add).orElseThrow().tokens()).isZero();
        assertThat(limits)
                .singleElement()
                .satisfies(r -> assertThat(r.rejected()).isTrue());
    }

    @Test
    void noConversationNoTranscript() {
        assertThat(Transcript.before(List.of("claude", "--version"), Map.of("HOME", "/root"), Path.of("/")))
                .isEmpty();
        assertThat(Transcript.before(
                        List.of("claude", "--session-id", "../../etc"), Map.of("HOME", "/r"), Path.of("/")))
                .isEmpty();
    }

    @Test
    void aLongDirectoryIsCutAndHashedAsClaudeDoes() {
        String cwd = "/" + "d".repeat(250);
        String slug = Transcript.slug(cwd);
        assertThat(slug).startsWith("-ddd").hasSizeGreaterThan(200);
        assertThat(slug.substring(0, 200)).isEqualTo(("-" + "d".repeat(250)).substring(0, 200));
        assertThat(slug.substring(201)).isEqualTo(Long.toString(Math.abs((long) cwd.hashCode()), 36));
    }

    @Test
    void aMissingTranscriptIsNoUsage() {
        Transcript t = Transcript.before(List.of("--session-id", ID), Map.of("HOME", home.toString()), Path.of("/x"))
                .orElseThrow();
        assertThat(t.usage(r -> {})).isEmpty();
    }
}
