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
 * One token bucket per caller identity and profile, at the profile's rate (Bucket4j, greedy refill:
 * tokens trickle back evenly, not a minute's worth at once), so one caller spending its tokens leaves
 * every other caller's alone. A profile whose rate changes on a reload gets fresh, full buckets; full
 * buckets are forgotten when many callers have come and gone (a full bucket is what a new caller gets).
 */
final class RateLimiter {
    /** Buckets kept before the full ones are dropped. */
    static final int PRUNE_ABOVE = 4096;

    private final ConcurrentHashMap<ClientKey, Limiter> buckets = new ConcurrentHashMap<>();

    /**
     * Takes one token of the profile's bucket.
     *
     * @throws Refusal {@code rate_limited}, saying when a token will be back
     */
    void take(ClientKey key, ProfileLimits p) {
        RateLimit rate = p.rate();
        if (rate.unlimited()) {
            return;
        }
        if (buckets.size() > PRUNE_ABOVE) {
            buckets.values().removeIf(l -> l.bucket.getAvailableTokens() >= l.rate.capacity());
        }
        Limiter l = buckets.compute(
                key, (k, old) -> old != null && old.rate.equals(rate) ? old : new Limiter(rate, bucket(rate)));
        ConsumptionProbe probe = l.bucket.tryConsumeAndReturnRemaining(1);
        if (!probe.isConsumed()) {
            long seconds = Math.max(
                    1,
                    (probe.getNanosToWaitForRefill() + TimeUnit.SECONDS.toNanos(1) - 1) / TimeUnit.SECONDS.toNanos(1));
            throw new Refusal(
                    ErrorCode.RATE_LIMITED,
                    "rate limit of " + rate.perMinute() + " requests/minute for profile " + p.profile()
                            + " exceeded by this caller (its container, or its uid); retry in " + seconds + " s");
        }
    }

    private static Bucket bucket(RateLimit rate) {
        return Bucket.builder()
                .addLimit(Bandwidth.builder()
                        .capacity(rate.capacity())
                        .refillGreedy(rate.perMinute(), Duration.ofMinutes(1))
                        .build())
                .build();
    }

    private record Limiter(RateLimit rate, Bucket bucket) {}
}
