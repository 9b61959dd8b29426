package dev.claudebridge.daemon.usage;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Optional;

/**
 * The login's rate-limit state, as the host claude last reported it, and whether new starts should
 * wait for it: after a refusal (status "rejected", or a 429) until the reset time claude named, or for
 * the back-off when it named none; and, optionally, once the reported utilization reaches a threshold,
 * until the reset.
 */
public final class LoginLimits {
    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC);

    /** Starts wait until {@code until}; {@code reason} is what the waiting callers are told. */
    public record Hold(Instant until, String reason) {}

    private volatile RateLimitInfo latest;

    /** Notes what claude reported; a later report replaces an earlier one. */
    public void report(RateLimitInfo r) {
        RateLimitInfo before = latest;
        if (before != null
                && before.rejected()
                && !r.rejected()
                && r.seen().isBefore(before.seen().plusSeconds(1))) {
            return; // a request that started before the refusal may still report "allowed" just after it
        }
        if (before != null
                && before.rejected()
                && r.rejected()
                && r.resetsAt().isEmpty()
                && before.resetsAt().filter(t -> t.isAfter(r.seen())).isPresent()) {
            return; // a bare 429 says less than the refusal with a reset time that is still in force
        }
        latest = r;
    }

    /** The last reported state, if claude reported one. */
    public Optional<RateLimitInfo> current() {
        return Optional.ofNullable(latest);
    }

    /**
     * Whether starts should wait now.
     *
     * @param backoff the pause after a refusal that named no reset time
     * @param pauseAbove the utilization at which starts pause until the reset (1: only a refusal pauses them)
     */
    public Optional<Hold> hold(Instant now, Duration backoff, double pauseAbove) {
        RateLimitInfo r = latest;
        if (r == null) {
            return Optional.empty();
        }
        String which = r.reason().isEmpty() ? "" : " (" + r.reason() + ")";
        if (r.rejected()) {
            Instant until = r.resetsAt().orElse(r.seen().plus(backoff));
            if (now.isBefore(until)) {
                return Optional.of(new Hold(
                        until,
                        "the API refused the host's login for now" + which + "; starts resume at "
                                + TIME.format(until)));
            }
            return Optional.empty();
        }
        if (pauseAbove < 1
                && r.utilization().isPresent()
                && r.utilization().getAsDouble() >= pauseAbove
                && r.resetsAt().isPresent()
                && now.isBefore(r.resetsAt().get())) {
            return Optional.of(new Hold(
                    r.resetsAt().get(),
                    "the host's login is at " + Math.round(r.utilization().getAsDouble() * 100) + "% of its limit"
                            + which + "; starts resume at "
                            + TIME.format(r.resetsAt().get())));
        }
        return Optional.empty();
    }
}
