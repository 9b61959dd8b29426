package dev.claudebridge.daemon.usage;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EarlierUsageTest {
    @TempDir
    Path dir;

    private static String end(String day, String listener, String user, String container, long in, String cost) {
        return "{\"time\":\"" + day + "T10:00:00Z\",\"event\":\"end\",\"id\":\"x\",\"profile\":\"p\",\"listener\":\""
                + listener + "\",\"peer\":{\"user\":\"" + user + "\",\"container\":\"" + container
                + "\"},\"started\":\"" + day
                + "T09:59:00Z\",\"usage\":{\"source\":\"result\",\"model\":\"m\",\"turns\":1,"
                + "\"input_tokens\":" + in + ",\"output_tokens\":1,\"cache_read_tokens\":0,\"cache_creation_tokens\":0,"
                + "\"cost_usd\":" + cost + "}}\n";
    }

    @Test
    void todaysEndRecordsCountForTheirClientsBudgets() throws Exception {
        Path log = dir.resolve("audit.log");
        Files.writeString(
                log,
                end("2026-05-01", "/s", "1000", "", 100, "0.5") + end("2026-04-30", "/s", "1000", "", 9999, "9")
                        + "{\"time\":\"2026-05-01T10:00:00Z\",\"event\":\"start\",\"usage\":{}}\n" + "garbage {\n"
                        + end("2026-05-01", "/s", "", "pidns:42", 7, "null"));
        Files.writeString(log.resolveSibling("audit.log.1"), end("2026-05-01", "/s", "1000", "", 20, "0.25"));
        UsageBook book = new UsageBook();
        int n = EarlierUsage.replay(EarlierUsage.files(log, 5), book, LocalDate.parse("2026-05-01"));
        assertThat(n).isEqualTo(3);
        // the identities as PeerIdentity writes them
        assertThat(book.clientToday("p", "/s uid=1000").inputTokens()).isEqualTo(120);
        assertThat(book.clientToday("p", "/s uid=1000").costUsd()).isEqualTo(0.75);
        assertThat(book.clientToday("p", "/s container=pidns:42").inputTokens()).isEqualTo(7);
        assertThat(book.profileToday("p").inputTokens()).isEqualTo(127);
        assertThat(book.clients()).as("not this daemon's figures").isEmpty();
    }
}
