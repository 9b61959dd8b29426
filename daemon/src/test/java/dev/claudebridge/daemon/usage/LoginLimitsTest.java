package dev.claudebridge.daemon.usage;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

class LoginLimitsTest {
    private static final Instant NOW = Instant.parse("2026-01-01T10:00:00Z");

    @Test
    void aRefusalHoldsStartsUntilItsResetThenNot() {
        LoginLimits l = new LoginLimits();
        l.report(new RateLimitInfo(
                "rejected", OptionalDouble.empty(), Optional.of(NOW.plusSeconds(60)), "five_hour", NOW));
        assertThat(l.hold(NOW.plusSeconds(1), Duration.ofSeconds(30), 1)).hasValueSatisfying(h -> {
            assertThat(h.until()).isEqualTo(NOW.plusSeconds(60));
            assertThat(h.reason()).contains("five_hour").contains("10:01:00 UTC");
        });
        assertThat(l.hold(NOW.plusSeconds(60), Duration.ofSeconds(30), 1)).isEmpty();
    }

    @Test
    void aBare429BacksOff() {
        LoginLimits l = new LoginLimits();
        l.report(new RateLimitInfo("rejected", OptionalDouble.empty(), Optional.empty(), "http 429", NOW));
        assertThat(l.hold(NOW.plusSeconds(29), Duration.ofSeconds(30), 1)).isPresent();
        assertThat(l.hold(NOW.plusSeconds(30), Duration.ofSeconds(30), 1)).isEmpty();
    }

    @Test
    void nearTheLimitHoldsOnlyWhenConfigured() {
        LoginLimits l = new LoginLimits();
        l.report(new RateLimitInfo(
                "allowed_warning", OptionalDouble.of(0.96), Optional.of(NOW.plusSeconds(600)), "seven_day", NOW));
        assertThat(l.hold(NOW, Duration.ofSeconds(30), 1)).isEmpty();
        assertThat(l.hold(NOW, Duration.ofSeconds(30), 0.95))
                .hasValueSatisfying(h -> assertThat(h.reason()).contains("96%"));
    }

    @Test
    void aBare429DoesNotHideTheResetTimeOfTheRefusalBeforeIt() {
        LoginLimits l = new LoginLimits();
        l.report(new RateLimitInfo(
                "rejected", OptionalDouble.empty(), Optional.of(NOW.plusSeconds(600)), "five_hour", NOW));
        l.report(new RateLimitInfo(
                "rejected", OptionalDouble.empty(), Optional.empty(), "http 429", NOW.plusSeconds(2)));
        assertThat(l.current().orElseThrow().reason()).isEqualTo("five_hour");
        l.report(new RateLimitInfo("allowed", OptionalDouble.of(0.1), Optional.empty(), "", NOW.plusSeconds(700)));
        assertThat(l.current().orElseThrow().status()).isEqualTo("allowed");
    }
}
