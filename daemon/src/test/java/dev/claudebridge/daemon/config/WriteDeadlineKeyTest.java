package dev.claudebridge.daemon.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** {@code limits.write-deadline}: its default, its values, and its way to the admission limits. */
class WriteDeadlineKeyTest {
    private static final Path FILE = Path.of("/etc/claude-bridge/config.yaml");

    @Test
    void defaultsToAMinuteAndReachesTheLimits() {
        assertThat(ConfigLoader.parse("", FILE).limits().writeDeadline()).isEqualTo(Duration.ofSeconds(60));
        LimitsConfig c =
                ConfigLoader.parse("limits:\n  write-deadline: 5m\n", FILE).limits();
        assertThat(c.writeDeadline()).isEqualTo(Duration.ofMinutes(5));
        assertThat(c.resolved().writeDeadline()).isEqualTo(Duration.ofMinutes(5));
        assertThat(c.toString()).contains("write-deadline 5m");
    }

    @Test
    void zeroMeansNone() {
        assertThat(ConfigLoader.parse("limits: { write-deadline: 0 }\n", FILE)
                        .limits()
                        .writeDeadline())
                .isZero();
    }

    @Test
    void aValueThatIsNoDurationIsAProblemWithItsLine() {
        assertThatThrownBy(() -> ConfigLoader.parse("limits:\n  write-deadline: soon\n", FILE))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(":2:")
                .hasMessageContaining("write-deadline");
    }
}
