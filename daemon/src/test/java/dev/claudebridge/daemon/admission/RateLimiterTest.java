package dev.claudebridge.daemon.admission;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.claudebridge.daemon.session.Refusal;
import dev.claudebridge.protocol.ErrorCode;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class RateLimiterTest {
    private static ProfileLimits profile(String name, int perMinute, int burst) {
        return new ProfileLimits(name, 0, Duration.ZERO, new RateLimit(perMinute, burst), Duration.ZERO);
    }

    @Test
    void theBurstPassesThenTheRefusalSaysWhenToRetry() {
        RateLimiter r = new RateLimiter();
        ProfileLimits ci = profile("ci", 2, 3);
        for (int i = 0; i < 3; i++) {
            r.take(ci);
        }
        // 2 a minute: the next token is 30 s away
        assertThatThrownBy(() -> r.take(ci))
                .isInstanceOfSatisfying(Refusal.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.RATE_LIMITED))
                .hasMessage("rate limit of 2 requests/minute for profile ci exceeded; retry in 30 s");
    }

    @Test
    void profilesHaveBucketsOfTheirOwn() {
        RateLimiter r = new RateLimiter();
        r.take(profile("a", 1, 1));
        assertThatThrownBy(() -> r.take(profile("a", 1, 1))).hasMessageContaining("retry in 60 s");
        r.take(profile("b", 1, 1));
    }

    @Test
    void aChangedRateStartsAFullBucket() {
        RateLimiter r = new RateLimiter();
        r.take(profile("a", 1, 1));
        r.take(profile("a", 600, 5)); // a reload raised the limit
        assertThatThrownBy(() -> {
            for (int i = 0; i < 5; i++) {
                r.take(profile("a", 600, 5));
            }
        }).hasMessage("rate limit of 600 requests/minute for profile a exceeded; retry in 1 s");
    }

    @Test
    void zeroPerMinuteMeansNoLimit() {
        RateLimiter r = new RateLimiter();
        for (int i = 0; i < 10_000; i++) {
            r.take(profile("free", 0, 0));
        }
    }
}
