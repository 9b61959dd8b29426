package dev.claudebridge.daemon.admission;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LimitsTest {
    private static final long GIB = 1L << 30;

    @ParameterizedTest(name = "{0} cores, {1} GiB: {2}")
    @CsvSource({"2, 8, 4", "2, 24, 4", "16, 64, 32", "64, 16, 16", "8, 2, 2", "1, 0, 1"})
    void theDefaultCapIsTwiceTheCoresAndAtMostOnePerGibibyte(int cores, long gib, int expected) {
        assertThat(Limits.autoMaxRunning(cores, gib * GIB)).isEqualTo(expected);
    }

    @Test
    void thisHostGetsAtLeastOne() {
        assertThat(Limits.defaults().maxRunning()).isPositive();
    }

    @Test
    void nonsenseIsRefused() {
        assertThatThrownBy(() -> new Limits(0, 1, 1, Duration.ofSeconds(1), Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Limits(1, 1, 1, Duration.ZERO, Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest
    @CsvSource({"PT0.5S, 500ms", "PT5S, 5s", "PT10M, 10m", "PT1M30S, 1m30s", "PT2H, 2h", "PT1.5S, 1500ms"})
    void durationsAreWrittenAsTheConfigFileWritesThem(String iso, String shown) {
        assertThat(Durations.format(Duration.parse(iso))).isEqualTo(shown);
    }
}
