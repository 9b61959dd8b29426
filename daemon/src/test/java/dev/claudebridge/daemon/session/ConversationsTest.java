package dev.claudebridge.daemon.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.claudebridge.daemon.policy.ArgvParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
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

    @Test
    void aConversationRecordedBeforeTheSpawnStillRefusesAnotherCallerAfterARestart(@TempDir Path dir) {
        Path file = dir.resolve("conversations.jsonl");
        Conversations before = Conversations.open(file);
        String id = "0b6f3a52-1c1e-4f0e-9d2a-6a2b1f0c9e11";
        List<String> argv = List.of("-p", "hi");
        ConversationControl.Decision d = ConversationControl.decide(ArgvParser.parse(argv), argv, before, "A", "/w");
        d.record(before, "A", "/w");
        ConversationControl.awaitRecorded(before); // what the session does before claude starts
        String started = d.claims().getFirst();

        Conversations after = Conversations.open(file); // the next daemon
        List<String> resume = List.of("--resume", started, "-p", "again");
        assertThatThrownBy(() -> ConversationControl.decide(ArgvParser.parse(resume), resume, after, "B", "/w"))
                .isInstanceOf(Refusal.class)
                .hasMessageContaining("not one of your conversations");
        assertThat(ConversationControl.decide(ArgvParser.parse(resume), resume, after, "A", "/w")
                        .claims())
                .containsExactly(started);
        List<String> take = List.of("--session-id", started, "-p", "mine");
        assertThatThrownBy(() -> ConversationControl.decide(ArgvParser.parse(take), take, after, "B", "/w"))
                .isInstanceOf(Refusal.class)
                .hasMessageContaining("another caller's conversation");
        assertThat(after.owner(id)).isEmpty();
    }

    @Test
    void everyClaimOfConcurrentRequestsIsInTheFileOnceTheyAwaitIt(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("conversations.jsonl");
        Conversations c = Conversations.open(file);
        var pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                String id = "c" + i;
                done.add(pool.submit((Callable<Void>) () -> {
                    c.claim(id, "owner-" + id, "/w");
                    c.awaitDurable();
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
        Conversations after = Conversations.open(file);
        for (int i = 0; i < 200; i++) {
            assertThat(after.owner("c" + i)).contains("owner-c" + i);
        }
    }

    @Test
    void nothingToAwaitWithoutAClaimOrAFile(@TempDir Path dir) {
        Conversations.open(dir.resolve("c.jsonl")).awaitDurable();
        Conversations memory = Conversations.inMemory();
        memory.claim("a", "A", "/w");
        memory.awaitDurable();
        assertThat(memory.owner("a")).contains("A");
    }

    @Test
    void aRequestWhoseRecordCouldNotBeForcedIsRefusedAndTheNextOneRuns(@TempDir Path dir) {
        java.util.concurrent.atomic.AtomicBoolean fail = new java.util.concurrent.atomic.AtomicBoolean(true);
        Conversations c = Conversations.open(dir.resolve("c.jsonl"), ch -> {
            if (fail.getAndSet(false)) {
                throw new java.io.IOException("Input/output error");
            }
            ch.force(false);
        });
        c.claim("a", "A", "/w");
        assertThatThrownBy(() -> ConversationControl.awaitRecorded(c))
                .isInstanceOf(Refusal.class)
                .hasMessageContaining("could not record the conversation")
                .hasMessageContaining("Input/output error");
        c.claim("b", "A", "/w"); // a later force succeeds; it proves nothing of "a", but "b" may run
        ConversationControl.awaitRecorded(c);
        assertThat(Conversations.open(dir.resolve("c.jsonl")).owner("b")).contains("A");
    }
}
