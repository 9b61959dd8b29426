package dev.claudebridge.daemon.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code limits:}: what {@code auto} works out to, and the values a key refuses. */
class LimitsConfigTest {
    private static final long GIB = 1L << 30;

    @ParameterizedTest(name = "{0} cores, {1} GiB: {2}")
    @CsvSource({"2, 8, 4", "2, 24, 4", "16, 64, 32", "64, 16, 16", "8, 2, 2", "1, 0, 1"})
    void theDefaultCapIsTwiceTheCoresAndAtMostOnePerGibibyte(int cores, long gib, int expected) {
        assertThat(LimitsConfig.autoMaxRunning(cores, gib * GIB)).isEqualTo(expected);
    }

    @Test
    void resolvingLeavesNoAuto() {
        LimitsConfig r = LimitsConfig.defaults().resolved();
        assertThat(r.maxRunning()).isEqualTo(LimitsConfig.autoMaxRunning()).isPositive();
        assertThat(r.clientMaxConnections()).isEqualTo(512 / 8);
        assertThat(r.clientMaxQueued()).isEqualTo(200 / 4);
        assertThat(r.handshakeMemory())
                .isEqualTo(Math.max(1L << 20, Runtime.getRuntime().maxMemory() / 4));
        assertThat(r.resolved()).isEqualTo(r);
    }

    @Test
    void numbersGivenStay() {
        LimitsConfig c = LimitsConfig.defaults()
                .with(LimitsConfig.MAX_RUNNING, 3)
                .with(LimitsConfig.CLIENT_MAX_QUEUED, 7)
                .resolved();
        assertThat(c.maxRunning()).isEqualTo(3);
        assertThat(c.clientMaxQueued()).isEqualTo(7);
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "-1", "lots", "1.5"})
    void aRunningCapIsAWholeNumberFromOneOrAuto(String text) {
        assertThatThrownBy(() -> LimitsConfig.MAX_RUNNING.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("or auto");
        assertThat(LimitsConfig.MAX_RUNNING.parse("auto")).isEqualTo(LimitsConfig.AUTO);
    }

    @Test
    void handshakeMemoryIsAtLeastAMebibyte() {
        assertThatThrownBy(() -> LimitsConfig.HANDSHAKE_MEMORY.parse("512KiB")).hasMessageContaining("between 1MiB");
        assertThat(LimitsConfig.HANDSHAKE_MEMORY.parse("64MiB")).isEqualTo(64L << 20);
    }

    @Test
    void nonsenseBuiltInCodeIsRefused() {
        assertThatThrownBy(() -> LimitsConfig.defaults().with(LimitsConfig.HANDSHAKE_TIMEOUT, Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> LimitsConfig.defaults().with(LimitsConfig.MAX_QUEUED, -1))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theLogWritesItAsTheFileDoes() {
        assertThat(LimitsConfig.defaults()
                        .with(LimitsConfig.WRITE_DEADLINE, Duration.ofMinutes(5))
                        .toString())
                .startsWith("max-running auto, max-queued 200, max-connections 512, handshake-timeout 5s,")
                .contains("write-deadline 5m");
    }
}
