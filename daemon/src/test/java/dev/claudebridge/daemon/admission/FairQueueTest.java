package dev.claudebridge.daemon.admission;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.claudebridge.daemon.config.LimitsConfig;
import dev.claudebridge.daemon.session.Admission.QueueNotice;
import dev.claudebridge.daemon.session.Refusal;
import dev.claudebridge.protocol.ErrorCode;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = SECONDS)
class FairQueueTest {
    private static final ProfileLimits P = new ProfileLimits("p", 0, Duration.ZERO, RateLimit.UNLIMITED, Duration.ZERO);

    private static FairQueue queue(int maxRunning, int maxQueued) {
        return new FairQueue(() -> limits(maxRunning, maxQueued, maxQueued));
    }

    private static LimitsConfig limits(int maxRunning, int maxQueued, int clientMaxQueued) {
        return LimitsConfig.defaults()
                .with(LimitsConfig.MAX_RUNNING, maxRunning)
                .with(LimitsConfig.MAX_QUEUED, maxQueued)
                .with(LimitsConfig.CLIENT_MAX_QUEUED, clientMaxQueued)
                .resolved();
    }

    private static ClientKey key(String client) {
        return new ClientKey("p", new dev.claudebridge.daemon.session.PeerIdentity("/s", "pidns:" + client, ""));
    }

    /** A request waiting on its own virtual thread, with the notices it was given. */
    private record Waiting(CompletableFuture<FairQueue.Slot> slot, List<long[]> notices) {
        static Waiting start(FairQueue q, ClientKey key, ProfileLimits p) {
            List<long[]> notices = new CopyOnWriteArrayList<>();
            CompletableFuture<FairQueue.Slot> f = new CompletableFuture<>();
            Thread.ofVirtual().start(() -> {
                try {
                    f.complete(q.acquire(key, p, (pos, len) -> notices.add(new long[] {pos, len})));
                } catch (RuntimeException e) {
                    f.completeExceptionally(e);
                }
            });
            return new Waiting(f, notices);
        }

        FairQueue.Slot granted() throws Exception {
            return slot.get(30, SECONDS);
        }
    }

    private static void await(IntSupplier value, int expected) {
        long deadline = System.nanoTime() + SECONDS.toNanos(30);
        while (value.getAsInt() != expected) {
            assertThat(System.nanoTime())
                    .as("waiting for %d, have %d", expected, value.getAsInt())
                    .isLessThan(deadline);
            Thread.onSpinWait();
        }
    }

    private static final QueueNotice IGNORE = (p, l) -> {};

    private static ClientKey on(String listener, String container) {
        return new ClientKey("p", new dev.claudebridge.daemon.session.PeerIdentity(listener, "pidns:" + container, ""));
    }

    @Test
    void oneCallerCannotTakeEveryPlaceInTheQueue() throws Exception {
        LimitsConfig l = limits(1, 10, 3);
        FairQueue q = new FairQueue(() -> l);
        FairQueue.Slot running = q.acquire(key("a"), P, IGNORE);
        for (int i = 0; i < 3; i++) {
            Waiting.start(q, key("a"), P);
        }
        await(q::waiting, 3);
        assertThatThrownBy(() -> q.acquire(key("a"), P, IGNORE))
                .isInstanceOfSatisfying(Refusal.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.QUEUE_FULL))
                .hasMessageContaining("client-max-queued");
        Waiting.start(q, key("b"), P); // another caller still gets a place
        await(q::waiting, 4);
        running.close();
        q.shutDown();
    }

    @Test
    void aListenersReserveKeepsPlacesForItsCallersWhenOthersFillTheQueue() throws Exception {
        // 8 places, two listeners: each keeps min(client cap 8, 8 / 2 / 2) = 2 for its own callers
        LimitsConfig l = limits(1, 8, 8);
        FairQueue q = new FairQueue(() -> l, List.of("/a", "/b"));
        FairQueue.Slot running = q.acquire(on("/a", "0"), P, IGNORE);
        for (int i = 1; i <= 6; i++) {
            Waiting.start(q, on("/a", Integer.toString(i)), P);
        }
        await(q::waiting, 6);
        assertThatThrownBy(() -> q.acquire(on("/a", "7"), P, IGNORE))
                .hasMessageContaining("the bridge's queue is full");
        Waiting.start(q, on("/b", "1"), P);
        Waiting.start(q, on("/b", "2"), P);
        await(q::waiting, 8);
        running.close();
        q.shutDown();
    }

    @Test
    void neverMoreThanTheGlobalCapRunAndAFreedSlotGoesToTheNext() throws Exception {
        FairQueue q = queue(2, 10);
        FairQueue.Slot a = q.acquire(key("a"), P, IGNORE);
        FairQueue.Slot b = q.acquire(key("b"), P, IGNORE);
        Waiting c = Waiting.start(q, key("c"), P);
        await(q::waiting, 1);
        assertThat(c.slot()).isNotDone();
        assertThat(q.running()).isEqualTo(2);

        a.close();
        a.close(); // closing twice frees one slot, not two

        c.granted();
        assertThat(q.running()).isEqualTo(2);
        assertThat(q.waiting()).isZero();
        b.close();
        assertThat(q.running()).isEqualTo(1);
    }

    @Test
    void aClientWith100WaitingDelaysAnotherClientsSingleRequestByOneTurnAtMost() throws Exception {
        FairQueue q = queue(1, 200);
        FairQueue.Slot running = q.acquire(key("flood"), P, IGNORE);
        List<Waiting> flood = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            flood.add(Waiting.start(q, key("flood"), P));
            await(q::waiting, i + 1); // one at a time, so their order is known
        }
        Waiting quiet = Waiting.start(q, key("quiet"), P);
        await(q::waiting, 101);

        List<String> grants = new ArrayList<>();
        FairQueue.Slot current = running;
        while (grants.size() < 4) {
            current.close();
            current = null;
            long deadline = System.nanoTime() + SECONDS.toNanos(30);
            while (current == null) {
                assertThat(System.nanoTime()).isLessThan(deadline);
                if (quiet.slot().isDone() && !grants.contains("quiet")) {
                    grants.add("quiet");
                    current = quiet.granted();
                }
                for (int i = 0; i < flood.size() && current == null; i++) {
                    if (flood.get(i).slot().isDone() && !grants.contains("flood-" + i)) {
                        grants.add("flood-" + i);
                        current = flood.get(i).granted();
                    }
                }
            }
        }
        // FIFO would have given the quiet client the 101st slot
        assertThat(grants).containsExactly("flood-0", "quiet", "flood-1", "flood-2");
        current.close();
        q.shutDown();
    }

    @Test
    void eachWaiterIsToldItsPlaceInTheRoundRobinOrder() throws Exception {
        FairQueue q = queue(1, 10);
        FairQueue.Slot running = q.acquire(key("x"), P, IGNORE);
        Waiting a1 = Waiting.start(q, key("a"), P);
        await(q::waiting, 1);
        Waiting a2 = Waiting.start(q, key("a"), P);
        await(q::waiting, 2);
        Waiting a3 = Waiting.start(q, key("a"), P);
        await(q::waiting, 3);
        Waiting b1 = Waiting.start(q, key("b"), P);
        await(q::waiting, 4);

        // told at once where they stood when they arrived (the notice is written just after the place is taken)
        for (Waiting w : List.of(a1, a2, a3, b1)) {
            awaitNotices(w, 1);
        }
        assertThat(a1.notices().getFirst()).containsExactly(1, 1);
        assertThat(a2.notices().getFirst()).containsExactly(2, 2);
        assertThat(a3.notices().getFirst()).containsExactly(3, 3);
        assertThat(b1.notices().getFirst()).containsExactly(2, 4); // b's first request goes before a's second
        // a little over a second later (when the client starts showing it), the places after b arrived
        awaitNotices(a2, 2);
        assertThat(a2.notices().get(1)).containsExactly(3, 4);
        awaitNotices(a3, 2);
        assertThat(a3.notices().get(1)).containsExactly(4, 4);

        running.close(); // a1 runs; b1 is next
        a1.granted();
        awaitNotices(b1, 3);
        assertThat(b1.notices().getLast()).containsExactly(1, 3);
        q.shutDown();
    }

    private static void awaitNotices(Waiting w, int n) {
        long deadline = System.nanoTime() + SECONDS.toNanos(30);
        while (w.notices().size() < n) {
            assertThat(System.nanoTime()).isLessThan(deadline);
            sleep(10);
        }
    }

    @Test
    void aFullQueueRefusesAtOnce() throws Exception {
        FairQueue q = queue(1, 2);
        q.acquire(key("a"), P, IGNORE);
        Waiting.start(q, key("a"), P);
        Waiting.start(q, key("b"), P);
        await(q::waiting, 2);

        assertThatThrownBy(() -> q.acquire(key("c"), P, IGNORE))
                .isInstanceOfSatisfying(Refusal.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.QUEUE_FULL))
                .hasMessage("the bridge's queue is full (2 requests waiting for 1 slot); try again later");
        q.shutDown();
    }

    @Test
    void aRequestThatWaitsLongerThanItsProfileAllowsIsRefused() throws Exception {
        FairQueue q = queue(1, 10);
        FairQueue.Slot running = q.acquire(key("a"), P, IGNORE);
        ProfileLimits impatient =
                new ProfileLimits("ci", 0, Duration.ofMillis(300), RateLimit.UNLIMITED, Duration.ZERO);
        long start = System.nanoTime();
        Waiting w = Waiting.start(q, key("b"), impatient);

        assertThatThrownBy(w::granted)
                .isInstanceOf(ExecutionException.class)
                .cause()
                .isInstanceOfSatisfying(Refusal.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.QUEUE_TIMEOUT))
                .hasMessage("no free slot within the queue timeout of 300ms (profile ci); try again later");
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isBetween(250L, 2000L);
        assertThat(q.waiting()).isZero();
        running.close();
        assertThat(q.running())
                .as("the slot is not handed to the request that gave up")
                .isZero();
    }

    @Test
    void aProfileAtItsOwnCapWaitsWhileOthersRun() throws Exception {
        FairQueue q = queue(3, 10);
        ProfileLimits one = new ProfileLimits("one", 1, Duration.ZERO, RateLimit.UNLIMITED, Duration.ZERO);
        FairQueue.Slot first = q.acquire(
                new ClientKey("one", new dev.claudebridge.daemon.session.PeerIdentity("/s", "pidns:a", "")),
                one,
                IGNORE);
        Waiting second = Waiting.start(
                q, new ClientKey("one", new dev.claudebridge.daemon.session.PeerIdentity("/s", "pidns:b", "")), one);
        await(q::waiting, 1);

        FairQueue.Slot other = q.acquire(key("c"), P, IGNORE); // another profile is not held up
        assertThat(second.slot()).isNotDone();

        first.close();
        second.granted().close();
        other.close();
        assertThat(q.running()).isZero();
    }

    @Test
    void shuttingDownRefusesTheWaitingAndTheNewcomers() throws Exception {
        FairQueue q = queue(1, 10);
        FairQueue.Slot running = q.acquire(key("a"), P, IGNORE);
        Waiting w = Waiting.start(q, key("b"), P);
        await(q::waiting, 1);

        q.shutDown();

        String message = "the bridge is shutting down and did not start this request; try again when it is back";
        assertThatThrownBy(w::granted)
                .cause()
                .isInstanceOfSatisfying(Refusal.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.SHUTTING_DOWN))
                .hasMessage(message);
        assertThatThrownBy(() -> q.acquire(key("c"), P, IGNORE)).hasMessage(message);
        running.close();
        assertThat(q.running()).isZero();
    }

    @Test
    void aWaiterWhoseCallerIsGoneLeavesTheQueue() throws Exception {
        FairQueue q = queue(1, 10);
        FairQueue.Slot running = q.acquire(key("a"), P, IGNORE);
        CompletableFuture<Throwable> gone = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try {
                q.acquire(key("b"), P, (p, l) -> {
                    throw new UncheckedIOException(new java.io.IOException("Broken pipe"));
                });
            } catch (RuntimeException e) {
                gone.complete(e);
            }
        });
        assertThat(gone.get(5, SECONDS)).isInstanceOf(UncheckedIOException.class);
        assertThat(q.waiting()).isZero();
        Waiting next = Waiting.start(q, key("c"), P);
        await(q::waiting, 1);
        running.close();
        next.granted().close();
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
