package dev.claudebridge.daemon.admission;

import dev.claudebridge.daemon.config.ProfileConfig;
import dev.claudebridge.daemon.config.Units;
import java.time.Duration;

/**
 * One profile's share of the bridge, as admission reads it from the profile's settings.
 *
 * @param profile the profile's name, for messages and the fairness key
 * @param maxRunning how many of its requests may run at once (0: only the global cap applies)
 * @param queueTimeout how long one of its requests may wait for a slot before it is refused (0: no limit)
 * @param rate its token bucket
 * @param maxRuntime how long one of its processes may run before it is ended (0: no limit)
 */
public record ProfileLimits(
        String profile, int maxRunning, Duration queueTimeout, RateLimit rate, Duration maxRuntime) {
    public ProfileLimits {
        if (maxRunning < 0 || queueTimeout.isNegative() || maxRuntime.isNegative()) {
            throw new IllegalArgumentException("profile " + profile + ": limits cannot be negative");
        }
    }

    /** As the log and the configuration write it. */
    @Override
    public String toString() {
        return "profile " + profile + ": max-running " + (maxRunning == 0 ? "-" : maxRunning) + ", queue-timeout "
                + Units.formatDuration(queueTimeout)
                + ", rate " + (rate.unlimited() ? "none" : rate.perMinute() + "/minute, burst " + rate.capacity())
                + ", max-runtime "
                + Units.formatDuration(maxRuntime);
    }

    /** A profile's admission settings from its {@code profiles.NAME:} section. */
    public static ProfileLimits of(ProfileConfig p) {
        return new ProfileLimits(
                p.name(),
                p.maxRunning(),
                p.queueTimeout(),
                new RateLimit(p.rate().perMinute(), p.rate().burst()),
                p.maxRuntime());
    }
}
