package dev.claudebridge.daemon.admission;

import dev.claudebridge.daemon.config.LimitsConfig;
import dev.claudebridge.daemon.session.Admission;
import dev.claudebridge.daemon.session.SessionInfo;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The bridge's admission: a request passes its caller's rate limit (a bucket per caller identity at
 * its profile's rate), then waits for a slot in the fair queue, then runs under the watchdog. Limits are read afresh for each request, so a reload
 * applies to the next one and running requests keep what they started with.
 */
public final class AdmissionControl implements Admission {
    private final Function<SessionInfo, ProfileLimits> profiles;
    private final RateLimiter rates = new RateLimiter();
    private final FairQueue queue;
    private final Watchdog watchdog;
    private final Supplier<LimitsConfig> limits;
    private volatile String drainedBy;
    private final Spending spending;
    private final ScheduledExecutorService timer;

    /**
     * @param limits the current global limits
     * @param profiles the limits of the profile a session belongs to
     * @param timer runs the runtime and idle checks; its tasks are short
     */
    public AdmissionControl(
            Supplier<LimitsConfig> limits,
            Function<SessionInfo, ProfileLimits> profiles,
            ScheduledExecutorService timer) {
        this(limits, profiles, timer, java.util.List.of());
    }

    /** @param listeners every listener (each keeps a reserve of queue places) */
    public AdmissionControl(
            Supplier<LimitsConfig> limits,
            Function<SessionInfo, ProfileLimits> profiles,
            ScheduledExecutorService timer,
            java.util.List<String> listeners) {
        this(
                limits,
                profiles,
                timer,
                listeners,
                new Spending(
                        new dev.claudebridge.daemon.usage.UsageBook(),
                        new dev.claudebridge.daemon.usage.LoginLimits()));
    }

    /** @param spending the budgets and the login's limits (also a session listener: give it to the engine too) */
    public AdmissionControl(
            Supplier<LimitsConfig> limits,
            Function<SessionInfo, ProfileLimits> profiles,
            ScheduledExecutorService timer,
            java.util.List<String> listeners,
            Spending spending) {
        this.profiles = profiles;
        this.limits = limits;
        this.spending = spending;
        this.timer = timer;
        this.queue = new FairQueue(limits, listeners, new StartPacer(limits, spending.login()));
        this.watchdog = new Watchdog(timer, limits);
    }

    @Override
    public Permit admit(SessionInfo session, QueueNotice notice) {
        ProfileLimits p = profiles.apply(session);
        if (queue.closed()) {
            throw FairQueue.shuttingDown();
        }
        if (drainedBy != null) {
            throw Drain.refusal();
        }
        spending.check(session);
        ClientKey key = ClientKey.of(p.profile(), session);
        rates.take(key, p);
        FairQueue.Slot slot = queue.acquire(key, p, notice);
        Permit watched = watchdog.watch(
                session.id(), () -> session.bytesIn() + session.bytesOut() + session.bytesErr(), p, slot::close);
        dev.claudebridge.daemon.config.BudgetConfig budget = session.profile()
                .map(dev.claudebridge.daemon.config.ProfileConfig::budget)
                .orElse(dev.claudebridge.daemon.config.BudgetConfig.NONE);
        if (budget.requestTokens() == 0 && budget.requestUsd() == 0) {
            return watched;
        }
        return new RequestBudget(watched, session, budget, timer);
    }

    @Override
    public java.time.Duration writeDeadline() {
        return limits.get().writeDeadline();
    }

    /** Refuses the waiting requests and every later one with {@code shutting_down}; running ones go on. */
    public void shutDown() {
        queue.shutDown();
    }

    /**
     * Drains (with the operator's description) or resumes (with empty): while draining, every new request
     * is refused with {@code shutting_down}; running and already queued ones go on.
     */
    public void drain(java.util.Optional<String> by) {
        drainedBy = by.orElse(null);
    }

    /** Who drained the daemon, while it is draining. */
    public java.util.Optional<String> drainedBy() {
        return java.util.Optional.ofNullable(drainedBy);
    }

    /** Ends every running request, telling each caller why; returns how many were told. */
    public int stopRunning(String reason) {
        return watchdog.stopAll(reason);
    }

    /** Requests running now. */
    public int running() {
        return queue.running();
    }

    /** Requests waiting for a slot now. */
    public int waiting() {
        return queue.waiting();
    }
}
