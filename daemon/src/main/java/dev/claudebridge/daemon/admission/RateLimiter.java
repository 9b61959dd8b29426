package dev.claudebridge.daemon.admission;

import dev.claudebridge.daemon.session.Refusal;
import dev.claudebridge.protocol.ErrorCode;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * One token bucket per profile (Bucket4j, greedy refill: tokens trickle back evenly, not a minute's
 * worth at once). A profile whose rate changes on a reload gets a fresh, full bucket.
 */
final class RateLimiter {
    private final ConcurrentHashMap<String, Limiter> buckets = new ConcurrentHashMap<>();

    /**
     * Takes one token of the profile's bucket.
     *
     * @throws Refusal {@code rate_limited}, saying when a token will be back
     */
    void take(ProfileLimits p) {
        RateLimit rate = p.rate();
        if (rate.unlimited()) {
            return;
        }
        Limiter l = buckets.compute(p.profile(), (name, old) -> old != null && old.rate.equals(rate) ? old : new Limiter(rate, bucket(rate)));
        ConsumptionProbe probe = l.bucket.tryConsumeAndReturnRemaining(1);
        if (!probe.isConsumed()) {
            long seconds = Math.max(1, (probe.getNanosToWaitForRefill() + TimeUnit.SECONDS.toNanos(1) - 1) / TimeUnit.SECONDS.toNanos(1));
            throw new Refusal(ErrorCode.RATE_LIMITED, "rate limit of " + rate.perMinute() + " requests/minute for profile "
                    + p.profile() + " exceeded; retry in " + seconds + " s");
        }
    }

    private static Bucket bucket(RateLimit rate) {
        return Bucket.builder()
                .addLimit(Bandwidth.builder().capacity(rate.capacity()).refillGreedy(rate.perMinute(), Duration.ofMinutes(1)).build())
                .build();
    }

    private record Limiter(RateLimit rate, Bucket bucket) {
    }
}
