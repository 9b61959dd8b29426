package dev.claudebridge.daemon.admission;

import dev.claudebridge.daemon.config.LimitsConfig;
import dev.claudebridge.daemon.usage.LoginLimits;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * When the fair queue may start the next process: not before the start rate allows (starts spaced
 * evenly), and not while the login's limits say to wait ({@link LoginLimits#hold}). Used under the
 * queue's lock only.
 */
final class StartPacer {
    /** Starts are never held back: for queues without pacing. */
    static final StartPacer NONE = new StartPacer(null, new LoginLimits());

    private final Supplier<LimitsConfig> limits;
    private final LoginLimits login;
    private long lastStart;
    private boolean started;

    StartPacer(Supplier<LimitsConfig> limits, LoginLimits login) {
        this.limits = limits;
        this.login = login;
    }

    /** The {@link System#nanoTime} from which the next start may be ({@code <= now}: at once). */
    long opensAt(long now) {
        if (limits == null) {
            return now;
        }
        LimitsConfig l = limits.get();
        long opens = now;
        Optional<LoginLimits.Hold> hold = hold(l);
        if (hold.isPresent()) {
            long left = Duration.between(Instant.now(), hold.get().until()).toNanos();
            opens = now + Math.max(1, left);
        }
        if (started && l.startRate() > 0) {
            opens = Math.max(opens, lastStart + (long) (1e9 / l.startRate()));
        }
        return opens;
    }

    /** Why starts wait, when it is the API's limits (spacing alone is not worth a word). */
    String reason() {
        return limits == null
                ? ""
                : hold(limits.get()).map(LoginLimits.Hold::reason).orElse("");
    }

    void started(long now) {
        lastStart = now;
        started = true;
    }

    private Optional<LoginLimits.Hold> hold(LimitsConfig l) {
        return login.hold(Instant.now(), l.apiBackoff(), l.apiPauseAbove());
    }
}
