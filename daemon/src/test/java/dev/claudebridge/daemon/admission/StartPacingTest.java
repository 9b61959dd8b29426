package dev.claudebridge.daemon.admission;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.claudebridge.daemon.config.LimitsConfig;
import dev.claudebridge.daemon.session.Admission.QueueNotice;
import dev.claudebridge.daemon.session.PeerIdentity;
import dev.claudebridge.daemon.usage.LoginLimits;
import dev.claudebridge.daemon.usage.RateLimitInfo;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The fair queue with a start rate and the login's limits: starts are spaced, and held while the API says so. */
@Timeout(value = 60, unit = SECONDS)
class StartPacingTest {
    private static final ProfileLimits P = new ProfileLimits("p", 0, Duration.ZERO, RateLimit.UNLIMITED, Duration.ZERO);

    private static LimitsConfig limits(double startRate) {
        return LimitsConfig.defaults()
                .with(LimitsConfig.MAX_RUNNING, 100)
                .with(LimitsConfig.START_RATE, startRate)
                .with(LimitsConfig.API_BACKOFF, Duration.ofSeconds(30))
                .resolved();
    }

    private static ClientKey key(String client) {
        return new ClientKey("p", new PeerIdentity("/s", "pidns:" + client, ""));
    }

    /** Notices a waiting request was given: position, length and reason. */
    private static final class Notices implements QueueNotice {
        final List<String> reasons = new CopyOnWriteArrayList<>();

        @Override
        public void position(long position, long length) {
            reasons.add("");
        }

        @Override
        public void position(long position, long length, String reason) {
            reasons.add(reason);
        }
    }

    private static CompletableFuture<Long> start(FairQueue q, String client, Notices n) {
        CompletableFuture<Long> at = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try {
                q.acquire(key(client), P, n);
                at.complete(System.nanoTime());
            } catch (RuntimeException e) {
                at.completeExceptionally(e);
            }
        });
        return at;
    }

    @Test
    void theStartRateSpacesStarts() throws Exception {
        FairQueue q = new FairQueue(() -> limits(4), List.of(), new StartPacer(() -> limits(4), new LoginLimits()));
        List<CompletableFuture<Long>> starts = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            starts.add(start(q, "c" + i, new Notices()));
        }
        List<Long> at = new ArrayList<>();
        for (CompletableFuture<Long> s : starts) {
            at.add(s.get(30, SECONDS));
        }
        at.sort(Long::compare);
        for (int i = 1; i < at.size(); i++) {
            assertThat(at.get(i) - at.get(i - 1))
                    .as("a start at most every 250 ms")
                    .isGreaterThanOrEqualTo(Duration.ofMillis(240).toNanos());
        }
    }

    @Test
    void aRefusalHoldsStartsWithTheReasonInTheNoticeUntilTheReset() throws Exception {
        LoginLimits login = new LoginLimits();
        Instant reset = Instant.now().plusSeconds(3);
        login.report(new RateLimitInfo(
                RateLimitInfo.REJECTED, OptionalDouble.empty(), Optional.of(reset), "five_hour", Instant.now()));
        FairQueue q = new FairQueue(() -> limits(0), List.of(), new StartPacer(() -> limits(0), login));
        Notices n = new Notices();
        CompletableFuture<Long> started = start(q, "a", n);
        long granted = started.get(30, SECONDS);
        assertThat(Instant.now()).isAfterOrEqualTo(reset);
        assertThat(n.reasons)
                .isNotEmpty()
                .allSatisfy(r -> assertThat(r).contains("five_hour").contains("starts resume at"));
        assertThat(granted).isPositive();
        assertThat(q.running()).isEqualTo(1);
        // the reset has passed: the next one starts at once, without a word
        Notices later = new Notices();
        start(q, "b", later).get(5, SECONDS);
        assertThat(later.reasons).isEmpty();
    }
}
