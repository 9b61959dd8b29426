package dev.claudebridge.daemon.admin;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class LoadHistoryTest {
    private final AtomicLong millis = new AtomicLong(1_000_000);
    private final AtomicInteger running = new AtomicInteger();
    private final AtomicInteger queued = new AtomicInteger();
    private final LoadHistory history = new LoadHistory(
            new Clock() {
                @Override
                public ZoneOffset getZone() {
                    return ZoneOffset.UTC;
                }

                @Override
                public Clock withZone(java.time.ZoneId zone) {
                    return this;
                }

                @Override
                public Instant instant() {
                    return Instant.ofEpochMilli(millis.get());
                }
            },
            running::get,
            queued::get);

    @Test
    void aPointOnlyWhenACountChanges() {
        history.sample();
        history.sample();
        running.set(2);
        millis.addAndGet(100);
        history.sample();
        queued.set(1);
        millis.addAndGet(100);
        history.sample();
        assertThat(history.points())
                .containsExactly(
                        new StatusReport.LoadPoint(1_000_000, 0, 0),
                        new StatusReport.LoadPoint(1_000_100, 2, 0),
                        new StatusReport.LoadPoint(1_000_200, 2, 1));
    }

    @Test
    void olderPointsGoButTheOneThatOpensTheWindowStays() {
        for (int i = 0; i < 30; i++) {
            running.set(i % 3);
            millis.addAndGet(60_000); // a minute apart: the window holds ten
            history.sample();
        }
        var points = history.points();
        long now = millis.get();
        assertThat(points.getFirst().t()).isLessThan(now - LoadHistory.WINDOW_MS);
        assertThat(points.get(1).t()).isGreaterThanOrEqualTo(now - LoadHistory.WINDOW_MS);
        assertThat(points).hasSizeLessThanOrEqualTo(12);
    }

    @Test
    void neverMoreThanTheCap() {
        for (int i = 0; i < LoadHistory.MAX_POINTS * 2; i++) {
            running.set(i % 2);
            millis.incrementAndGet();
            history.sample();
        }
        assertThat(history.points()).hasSize(LoadHistory.MAX_POINTS);
    }
}
