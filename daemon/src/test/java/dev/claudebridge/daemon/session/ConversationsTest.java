package dev.claudebridge.daemon.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConversationsTest {
    @Test
    void recordsSurviveARestartAndTheFirstOwnerStays(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("state/conversations.jsonl");
        Conversations c = Conversations.open(file);
        c.claim("a", "A", "/w");
        c.claim("b", "A", "/w");
        assertThatThrownBy(() -> c.claim("a", "B", "/w")).isInstanceOf(IllegalStateException.class);
        Files.writeString(
                file,
                "{\"id\":\"a\",\"owner\":\"B\",\"cwd\":\"/w\",\"used\":\"2099-01-01T00:00:00Z\"}\n{\"id\":\"cut",
                java.nio.file.StandardOpenOption.APPEND);
        Conversations again = Conversations.open(file);
        assertThat(again.owner("a")).contains("A");
        assertThat(again.owner("b")).contains("A");
        assertThat(again.latest("A", "/w")).contains("a"); // the later line says it was used last
        assertThat(again.latest("B", "/w")).isEmpty();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
                .isEqualTo("rw-------");
    }

    @Test
    void oldRecordsAreDropped(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("c.jsonl");
        Files.writeString(file, "{\"id\":\"old\",\"owner\":\"A\",\"cwd\":\"/w\",\"used\":\"2001-01-01T00:00:00Z\"}\n");
        assertThat(Conversations.open(file).owner("old")).isEmpty();
    }
}
