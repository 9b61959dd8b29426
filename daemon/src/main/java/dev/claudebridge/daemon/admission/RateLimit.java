package dev.claudebridge.daemon.admission;

/**
 * A token bucket: {@code perMinute} requests a minute on average, up to {@code burst} at once after
 * a quiet spell.
 *
 * @param perMinute the refill rate; 0 turns rate limiting off
 * @param burst the bucket's capacity; 0 means {@code perMinute}
 */
public record RateLimit(int perMinute, int burst) {
    public static final RateLimit UNLIMITED = new RateLimit(0, 0);

    public RateLimit {
        if (perMinute < 0 || burst < 0) {
            throw new IllegalArgumentException(
                    "a rate limit cannot be negative: per-minute " + perMinute + ", burst " + burst);
        }
    }

    public boolean unlimited() {
        return perMinute == 0;
    }

    /** The bucket's capacity. */
    public int capacity() {
        return burst == 0 ? perMinute : burst;
    }
}
