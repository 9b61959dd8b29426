package dev.claudebridge.daemon.admission;

import dev.claudebridge.daemon.config.LimitsConfig;
import dev.claudebridge.daemon.config.Units;
import dev.claudebridge.daemon.session.Admission.Permit;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running requests, each with its stop handle: ends one that outlives its profile's max-runtime or
 * passes no bytes for the idle timeout, and all of them when a shutdown's grace period is over. Stopping
 * happens on a thread of its own, because telling the caller may block on a slow socket.
 */
final class Watchdog {
    private static final Logger LOG = LoggerFactory.getLogger(Watchdog.class);
    /** How often an idle limit looks at a request's byte counters, as a share of the limit. */
    private static final int IDLE_CHECKS_PER_PERIOD = 4;

    private final ScheduledExecutorService timer;
    private final Supplier<LimitsConfig> limits;
    private final Set<Run> running = ConcurrentHashMap.newKeySet();

    Watchdog(ScheduledExecutorService timer, Supplier<LimitsConfig> limits) {
        this.timer = timer;
        this.limits = limits;
    }

    /**
     * Wraps a slot (its {@code release}) in a permit that is watched from the moment its process runs
     * until it is closed.
     *
     * @param bytes the request's bytes so far, both ways (for the idle limit)
     */
    Permit watch(String id, LongSupplier bytes, ProfileLimits profile, Runnable release) {
        return new Run(id, bytes, profile, release);
    }

    /** Stops every running request, telling each caller {@code reason}; returns how many. */
    int stopAll(String reason) {
        List<Run> all = List.copyOf(running);
        all.forEach(r -> r.stop(reason));
        return all.size();
    }

    int size() {
        return running.size();
    }

    private final class Run implements Permit {
        private final String id;
        private final LongSupplier bytes;
        private final ProfileLimits profile;
        private final Runnable release;
        private final AtomicBoolean stopped = new AtomicBoolean();
        private volatile Consumer<String> stop = reason -> {};
        private volatile ScheduledFuture<?> deadline;
        private volatile ScheduledFuture<?> idleCheck;
        private long lastBytes = -1;
        private long lastActive;

        Run(String id, LongSupplier bytes, ProfileLimits profile, Runnable release) {
            this.id = id;
            this.bytes = bytes;
            this.profile = profile;
            this.release = release;
        }

        @Override
        public void running(Consumer<String> stopper) {
            this.stop = stopper;
            running.add(this);
            Duration max = profile.maxRuntime();
            if (!max.isZero()) {
                deadline = timer.schedule(
                        () -> stop("the request ran longer than the max-runtime of " + Units.formatDuration(max)
                                + " (profile " + profile.profile() + ") and was ended"),
                        max.toNanos(),
                        TimeUnit.NANOSECONDS);
            }
            Duration idle = limits.get().idleTimeout();
            if (!idle.isZero()) {
                lastActive = System.nanoTime();
                long every = Math.max(TimeUnit.MILLISECONDS.toNanos(50), idle.toNanos() / IDLE_CHECKS_PER_PERIOD);
                idleCheck = timer.scheduleWithFixedDelay(() -> checkIdle(idle), every, every, TimeUnit.NANOSECONDS);
            }
        }

        /** Runs on the timer thread only. */
        private void checkIdle(Duration idle) {
            long b = bytes.getAsLong();
            long now = System.nanoTime();
            if (b != lastBytes) {
                lastBytes = b;
                lastActive = now;
            } else if (now - lastActive >= idle.toNanos()) {
                stop("the request passed no input or output for the idle-timeout of " + Units.formatDuration(idle)
                        + " and was ended");
            }
        }

        void stop(String reason) {
            if (!stopped.compareAndSet(false, true)) {
                return;
            }
            LOG.info("id={} stopping: {}", id, reason);
            Consumer<String> s = stop;
            Thread.ofVirtual().name("stop-" + id).start(() -> s.accept(reason));
        }

        @Override
        public void close() {
            running.remove(this);
            cancel(deadline);
            cancel(idleCheck);
            release.run();
        }

        private static void cancel(ScheduledFuture<?> f) {
            if (f != null) {
                f.cancel(false);
            }
        }
    }
}
