package dev.claudebridge.daemon.usage;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

class UsageBookTest {
    private static TokenUsage used(long in, double usd) {
        return new TokenUsage(in, 1, 0, 0, OptionalDouble.of(usd), "m", 1, "result");
    }

    @Test
    void countsPerClientAndProfileAndTheDayResetsAtMidnightUtc() {
        UsageBook b = new UsageBook(Clock.fixed(Instant.parse("2026-03-04T22:00:00Z"), ZoneOffset.UTC));
        b.add("p", "sock uid=1", "a", used(10, 0.5));
        b.add("p", "sock uid=1", "a", used(10, 0.25));
        b.add("p", "sock uid=2", "b", used(5, 0));
        assertThat(b.clientToday("p", "sock uid=1").tokens()).isEqualTo(22);
        assertThat(b.clientToday("p", "sock uid=1").costUsd()).isEqualTo(0.75);
        assertThat(b.profileToday("p").tokens()).isEqualTo(28);
        assertThat(b.resetsAt()).isEqualTo(Instant.parse("2026-03-05T00:00:00Z"));
        assertThat(b.clients().get(0).client()).isEqualTo("a");
    }

    @Test
    void metricsLabelsStayBounded() {
        UsageBook b = new UsageBook();
        for (int i = 0; i < UsageBook.LABELLED + 30; i++) {
            b.add("p", "id" + i, "client-" + i, used(1, 0));
        }
        assertThat(b.labelled()).hasSize(UsageBook.LABELLED + 1);
        assertThat(b.labelled().stream().filter(t -> t.client().equals(UsageBook.OTHER)))
                .singleElement()
                .satisfies(t -> assertThat(t.requests()).isEqualTo(30));
    }
}
