package dev.claudebridge.daemon.admission;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.claudebridge.daemon.config.LimitsConfig;
import dev.claudebridge.daemon.session.Admission.Permit;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = SECONDS)
class WatchdogTest {
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();

    @AfterEach
    void stopTimer() {
        timer.shutdownNow();
    }

    private Watchdog watchdog(Duration idle) {
        LimitsConfig l =
                LimitsConfig.defaults().with(LimitsConfig.IDLE_TIMEOUT, idle).resolved();
        return new Watchdog(timer, () -> l);
    }

    private static ProfileLimits maxRuntime(Duration d) {
        return new ProfileLimits("ci", 0, Duration.ZERO, RateLimit.UNLIMITED, d);
    }

    @Test
    void aRequestOverItsMaxRuntimeIsStoppedWithTheReason() throws Exception {
        AtomicInteger released = new AtomicInteger();
        Permit p = watchdog(Duration.ZERO)
                .watch("r1", () -> 0, maxRuntime(Duration.ofMillis(200)), released::incrementAndGet);
        CompletableFuture<String> stopped = new CompletableFuture<>();
        long start = System.nanoTime();
        p.running(stopped::complete);

        assertThat(stopped.get(5, SECONDS))
                .isEqualTo("the request ran longer than the max-runtime of 200ms (profile ci) and was ended");
        assertThat(System.nanoTime() - start)
                .isGreaterThanOrEqualTo(Duration.ofMillis(200).toNanos());
        p.close();
        assertThat(released).hasValue(1);
    }

    @Test
    void aRequestThatEndsInTimeIsNotStopped() throws Exception {
        Permit p = watchdog(Duration.ZERO).watch("r1", () -> 0, maxRuntime(Duration.ofMillis(200)), () -> {});
        CompletableFuture<String> stopped = new CompletableFuture<>();
        p.running(stopped::complete);
        p.close();
        Thread.sleep(400);
        assertThat(stopped).isNotDone();
    }

    @Test
    void aSilentRequestIsStoppedAfterTheIdleTimeoutAndABusyOneIsNot() throws Exception {
        Watchdog w = watchdog(Duration.ofMillis(300));
        AtomicLong busyBytes = new AtomicLong();
        Permit silent = w.watch("silent", () -> 42, maxRuntime(Duration.ZERO), () -> {});
        Permit busy = w.watch("busy", busyBytes::incrementAndGet, maxRuntime(Duration.ZERO), () -> {});
        CompletableFuture<String> silentStopped = new CompletableFuture<>();
        CompletableFuture<String> busyStopped = new CompletableFuture<>();
        silent.running(silentStopped::complete);
        busy.running(busyStopped::complete);

        assertThat(silentStopped.get(5, SECONDS))
                .isEqualTo("the request passed no input or output for the idle-timeout of 300ms and was ended");
        try {
            busyStopped.get(600, java.util.concurrent.TimeUnit.MILLISECONDS);
            throw new AssertionError("a request that moves bytes was stopped as idle");
        } catch (TimeoutException expected) {
            // still running
        }
        silent.close();
        busy.close();
    }

    @Test
    void stopAllTellsEveryRunningRequestOnce() throws Exception {
        Watchdog w = watchdog(Duration.ZERO);
        Permit a = w.watch("a", () -> 0, maxRuntime(Duration.ZERO), () -> {});
        Permit b = w.watch("b", () -> 0, maxRuntime(Duration.ZERO), () -> {});
        Permit done = w.watch("c", () -> 0, maxRuntime(Duration.ZERO), () -> {});
        AtomicInteger calls = new AtomicInteger();
        CompletableFuture<String> told = new CompletableFuture<>();
        a.running(r -> {
            calls.incrementAndGet();
            told.complete(r);
        });
        b.running(r -> calls.incrementAndGet());
        done.running(r -> calls.incrementAndGet());
        done.close();

        assertThat(w.stopAll("shutting down")).isEqualTo(2);
        assertThat(w.stopAll("shutting down"))
                .as("already stopped requests are not stopped again")
                .isEqualTo(2);
        assertThat(told.get(5, SECONDS)).isEqualTo("shutting down");
        Thread.sleep(100);
        assertThat(calls).hasValue(2);
        a.close();
        b.close();
        assertThat(w.size()).isZero();
    }
}
