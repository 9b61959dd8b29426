package dev.claudebridge.daemon.admission;

import dev.claudebridge.daemon.config.BudgetConfig;
import dev.claudebridge.daemon.session.Admission.Permit;
import dev.claudebridge.daemon.session.SessionInfo;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * A permit that ends its request once the usage claude has reported so far passes the profile's
 * per-request budget. Claude reports usage when a turn ends (its result message, in JSON output), so a
 * request is ended at the end of the turn that passed the budget, never in the middle of one, and a
 * request whose output is plain text is only counted when it is over.
 */
final class RequestBudget implements Permit {
    private static final long CHECK_MILLIS = 500;

    private final Permit inner;
    private final SessionInfo session;
    private final BudgetConfig budget;
    private final ScheduledExecutorService timer;
    private final AtomicBoolean stopped = new AtomicBoolean();
    private volatile ScheduledFuture<?> check;

    RequestBudget(Permit inner, SessionInfo session, BudgetConfig budget, ScheduledExecutorService timer) {
        this.inner = inner;
        this.session = session;
        this.budget = budget;
        this.timer = timer;
    }

    @Override
    public void running(Consumer<String> stop) {
        inner.running(stop);
        check = timer.scheduleWithFixedDelay(
                () -> session.usageSoFar()
                        .flatMap(u -> Spending.overRequest(budget, u))
                        .filter(reason -> stopped.compareAndSet(false, true))
                        .ifPresent(reason -> Thread.ofVirtual().start(() -> stop.accept(reason))),
                CHECK_MILLIS,
                CHECK_MILLIS,
                TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        ScheduledFuture<?> f = check;
        if (f != null) {
            f.cancel(false);
        }
        inner.close();
    }
}
