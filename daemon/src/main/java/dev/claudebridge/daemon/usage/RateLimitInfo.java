package dev.claudebridge.daemon.usage;

import java.time.Instant;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * The login's rate-limit state as claude last reported it (its stream-json {@code rate_limit_event}, or
 * a request the API refused with 429).
 *
 * @param status "allowed", "allowed_warning" or "rejected" (claude's words)
 * @param utilization the share of the limit used, 0 to 1, when claude said
 * @param resetsAt when the limit resets, when claude said
 * @param reason which limit (claude's {@code rateLimitType}, e.g. "five_hour"), or what was seen ("http 429")
 * @param seen when the daemon saw it
 */
public record RateLimitInfo(
        String status, OptionalDouble utilization, Optional<Instant> resetsAt, String reason, Instant seen) {
    public static final String ALLOWED = "allowed";
    public static final String WARNING = "allowed_warning";
    public static final String REJECTED = "rejected";

    public boolean rejected() {
        return status.equals(REJECTED);
    }
}
