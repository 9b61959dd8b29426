package dev.claudebridge.daemon.admission;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.claudebridge.daemon.session.PeerIdentity;
import dev.claudebridge.daemon.session.Refusal;
import dev.claudebridge.protocol.ErrorCode;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class RateLimiterTest {
    private static final PeerIdentity ONE = new PeerIdentity("/s", "pidns:1", "");

    private static void take(RateLimiter r, ProfileLimits p) {
        r.take(new ClientKey(p.profile(), ONE), p);
    }

    private static ProfileLimits profile(String name, int perMinute, int burst) {
        return new ProfileLimits(name, 0, Duration.ZERO, new RateLimit(perMinute, burst), Duration.ZERO);
    }

    @Test
    void theBurstPassesThenTheRefusalSaysWhenToRetry() {
        RateLimiter r = new RateLimiter();
        ProfileLimits ci = profile("ci", 2, 3);
        for (int i = 0; i < 3; i++) {
            take(r, ci);
        }
        // 2 a minute: the next token is 30 s away
        assertThatThrownBy(() -> take(r, ci))
                .isInstanceOfSatisfying(Refusal.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.RATE_LIMITED))
                .hasMessage(
                        "rate limit of 2 requests/minute for profile ci exceeded by this caller (its container, or its uid); retry in 30 s");
    }

    @Test
    void profilesHaveBucketsOfTheirOwn() {
        RateLimiter r = new RateLimiter();
        take(r, profile("a", 1, 1));
        assertThatThrownBy(() -> take(r, profile("a", 1, 1))).hasMessageContaining("retry in 60 s");
        take(r, profile("b", 1, 1));
    }

    @Test
    void aChangedRateStartsAFullBucket() {
        RateLimiter r = new RateLimiter();
        take(r, profile("a", 1, 1));
        take(r, profile("a", 600, 5)); // a reload raised the limit
        assertThatThrownBy(() -> {
                    for (int i = 0;
                            i < 100;
                            i++) { // more than the 5 saved up and what trickles back meanwhile on a busy machine
                        take(r, profile("a", 600, 5));
                    }
                })
                .hasMessage(
                        "rate limit of 600 requests/minute for profile a exceeded by this caller (its container, or its uid); retry in 1 s");
    }

    @Test
    void callersOfOneProfileHaveBucketsOfTheirOwn() {
        RateLimiter r = new RateLimiter();
        ProfileLimits p = profile("shared", 1, 2);
        PeerIdentity other = new PeerIdentity("/s", "pidns:2", "");
        take(r, p);
        take(r, p);
        assertThatThrownBy(() -> take(r, p)).hasMessageContaining("retry in");
        r.take(new ClientKey("shared", other), p); // another container's bucket is untouched
        r.take(new ClientKey("shared", new PeerIdentity("/s", "", "1000")), p); // and so is a host user's
    }

    @Test
    void zeroPerMinuteMeansNoLimit() {
        RateLimiter r = new RateLimiter();
        for (int i = 0; i < 10_000; i++) {
            take(r, profile("free", 0, 0));
        }
    }
}
