package dev.claudebridge.daemon.admission;

import dev.claudebridge.daemon.config.Units;
import dev.claudebridge.daemon.session.SessionEngine;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * Graceful shutdown. The first SIGTERM (or SIGINT) stops accepting (the socket file goes), refuses the
 * queued requests with {@code shutting_down}, and gives the running ones the grace period; then each
 * caller is told and its process tree ended. A second signal ends everything at once. Either way the
 * daemon exits only when every session is over, so every session's listeners (the audit log) have seen
 * it finish.
 *
 * <p>The JVM's own handling of SIGTERM cannot do this: once its shutdown hooks run, a second SIGTERM is
 * ignored, so the signals are taken over here and a hook is left only for other ways out.
 */
public final class Shutdown {
    private static final Logger LOG = LoggerFactory.getLogger(Shutdown.class);
    /** How long a stopped request gets to tell its caller and end its tree before the daemon kills what is left. */
    private static final Duration STOP_SLACK = Duration.ofSeconds(3);

    private static final Duration POLL = Duration.ofMillis(20);

    private final Runnable stopAccepting;
    private final AdmissionControl admission;
    private final SessionEngine engine;
    private final Duration grace;
    private final Duration killGrace;
    private final AtomicInteger requests = new AtomicInteger();
    private final CountDownLatch stopped = new CountDownLatch(1);

    /**
     * @param stopAccepting closes the listeners (and removes their socket files)
     * @param grace how long running requests may go on
     * @param killGrace how long a process tree gets between SIGTERM and SIGKILL
     */
    public Shutdown(
            Runnable stopAccepting,
            AdmissionControl admission,
            SessionEngine engine,
            Duration grace,
            Duration killGrace) {
        this.stopAccepting = stopAccepting;
        this.admission = admission;
        this.engine = engine;
        this.grace = grace;
        this.killGrace = killGrace;
    }

    /** Takes over SIGTERM and SIGINT, and ends the process trees on any other way out. */
    public void installSignalHandlers() {
        Signal.handle(new Signal("TERM"), s -> request("SIGTERM"));
        Signal.handle(new Signal("INT"), s -> request("SIGINT"));
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            if (stopped.getCount() > 0) {
                                stopAccepting.run();
                                engine.terminateAll(killGrace);
                            }
                        },
                        "shutdown-hook"));
    }

    /** The first request shuts down gracefully, the second at once. */
    public void request(String why) {
        int n = requests.incrementAndGet();
        if (n == 1) {
            Thread.ofPlatform().name("shutdown").start(() -> graceful(why));
        } else if (n == 2) {
            Thread.ofPlatform().name("shutdown-now").start(() -> now(why));
        }
    }

    /** Whether a shutdown has begun (for readiness: a stopping bridge takes no new requests). */
    public boolean stopping() {
        return requests.get() > 0;
    }

    /** Blocks until the shutdown is complete; the status to exit with. */
    public int awaitStopped() {
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }

    private void graceful(String why) {
        LOG.info(
                "{}: shutting down; no new connections, {} queued request(s) refused, {} running may finish within {} "
                        + "(a second signal ends them at once)",
                why,
                admission.waiting(),
                admission.running(),
                Units.formatDuration(grace));
        stopAccepting.run();
        admission.shutDown();
        if (!awaitSessionsOver(grace) && requests.get() == 1) {
            int n = admission.stopRunning("the bridge is shutting down and its grace period of "
                    + Units.formatDuration(grace) + " is over; ending claude");
            LOG.info("grace period over: ending {} running request(s)", n);
            if (!awaitSessionsOver(killGrace.plus(STOP_SLACK)) && requests.get() == 1) {
                engine.terminateAll(Duration.ZERO);
                awaitSessionsOver(STOP_SLACK);
            }
        }
        done();
    }

    private void now(String why) {
        LOG.info("{} again: ending {} running request(s) at once", why, admission.running());
        stopAccepting.run();
        admission.shutDown();
        admission.stopRunning("the bridge was told to stop at once; ending claude");
        awaitSessionsOver(STOP_SLACK.dividedBy(2));
        engine.terminateAll(Duration.ZERO);
        awaitSessionsOver(STOP_SLACK);
        done();
    }

    private synchronized void done() {
        if (stopped.getCount() == 0) {
            return;
        }
        int left = engine.live().size();
        if (left > 0) {
            LOG.warn("stopping with {} session(s) still open", left);
        } else {
            LOG.info("all sessions are over; stopping");
        }
        stopped.countDown();
    }

    /** Waits for every session (handshaking, queued or running) to end; false if some are left at the deadline. */
    private boolean awaitSessionsOver(Duration within) {
        long deadline = System.nanoTime() + within.toNanos();
        // no event says "the last session ended" without hooking every session; a short poll is enough here
        while (!engine.live().isEmpty()) {
            if (System.nanoTime() >= deadline || stopped.getCount() == 0) {
                return engine.live().isEmpty();
            }
            try {
                TimeUnit.NANOSECONDS.sleep(POLL.toNanos());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }
}
