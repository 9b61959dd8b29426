package dev.claudebridge.daemon.admission;

import dev.claudebridge.daemon.config.LimitsConfig;
import dev.claudebridge.daemon.config.Units;
import dev.claudebridge.daemon.session.Admission.QueueNotice;
import dev.claudebridge.daemon.session.Refusal;
import dev.claudebridge.protocol.ErrorCode;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * Running slots under a global and a per-profile cap, and a bounded queue for the requests over them,
 * served round-robin across {@link ClientKey}s: each client waits in its own line, and a free slot goes
 * to the next client in turn, not to the oldest request. A client with 100 requests waiting therefore
 * delays another client's single request by at most one slot turn.
 *
 * <p>Each waiting request waits on its own thread and tells its caller its place itself: at once, again
 * once it has waited a little over a second (when the reference client starts showing it), then each
 * second in which its place changed, and every {@link #HEARTBEAT_NANOS} regardless. So a slow caller
 * only ever holds up its own notice.
 */
final class FairQueue {
    static final long TICK_NANOS = TimeUnit.SECONDS.toNanos(1);
    static final long FIRST_SHOWN_NANOS = TimeUnit.MILLISECONDS.toNanos(1100);
    static final long HEARTBEAT_NANOS = TimeUnit.SECONDS.toNanos(5);

    private final Supplier<LimitsConfig> limits;
    /** Waiting requests per identity, with a reserve per listener. */
    private final Shares places;

    private final ReentrantLock lock = new ReentrantLock();
    /** Clients with waiting requests, in turn order: the head is served next, then moves to the tail. */
    private final LinkedHashMap<ClientKey, ArrayDeque<Waiter>> lines = new LinkedHashMap<>();

    private final Map<String, Integer> runningByProfile = new HashMap<>();
    private int running;
    private int waiting;
    private boolean closed;

    private final StartPacer pacer;

    FairQueue(Supplier<LimitsConfig> limits, java.util.List<String> listeners, StartPacer pacer) {
        this.limits = limits;
        this.places = new Shares(listeners);
        this.pacer = pacer;
    }

    FairQueue(Supplier<LimitsConfig> limits, java.util.List<String> listeners) {
        this(limits, listeners, StartPacer.NONE);
    }

    FairQueue(Supplier<LimitsConfig> limits) {
        this(limits, java.util.List.of());
    }

    /**
     * Blocks until the request may run.
     *
     * @throws Refusal {@code queue_full}, {@code queue_timeout}, or {@code shutting_down}
     */
    Slot acquire(ClientKey key, ProfileLimits profile, QueueNotice notice) {
        Waiter w;
        Position arrived;
        lock.lock();
        try {
            if (closed) {
                throw shuttingDown();
            }
            LimitsConfig l = limits.get();
            dispatch(l); // a reload may have raised a cap
            if (hasRoom(profile, l) && paced(System.nanoTime())) {
                // after dispatch, room for this profile means none of its requests is waiting: no one is overtaken
                return take(profile);
            }
            Shares.Refusal full = places.take(key.identity(), 1, new Shares.Caps(l.maxQueued(), l.clientMaxQueued()));
            if (full == Shares.Refusal.IDENTITY) {
                throw new Refusal(
                        ErrorCode.QUEUE_FULL,
                        "limits.client-max-queued",
                        "this caller (its container, or its uid) has "
                                + Words.count(places.of(key.identity()), "request")
                                + " waiting, its client-max-queued limit; try again later");
            }
            if (full == Shares.Refusal.TOTAL) {
                throw new Refusal(
                        ErrorCode.QUEUE_FULL,
                        "limits.max-queued",
                        "the bridge's queue is full (" + Words.count(waiting, "request") + " waiting for "
                                + Words.count(l.maxRunning(), "slot") + "); try again later");
            }
            w = new Waiter(key, profile, lock.newCondition());
            lines.computeIfAbsent(key, k -> new ArrayDeque<>()).addLast(w);
            waiting++;
            arrived = position(w); // where it stood on arrival, before anyone behind it can change that
        } finally {
            lock.unlock();
        }
        return await(w, notice, arrived);
    }

    private Slot await(Waiter w, QueueNotice notice, Position arrived) {
        long enqueued = System.nanoTime();
        long timeout = w.profile.queueTimeout().toNanos();
        long deadline = timeout == 0 ? Long.MAX_VALUE : enqueued + timeout;
        long nextCheck = enqueued;
        boolean shownOnce = false;
        tell(w, notice, arrived);
        Position sent = arrived;
        long lastSent = enqueued;
        while (true) {
            Position now;
            long t;
            lock.lock();
            try {
                t = System.nanoTime();
                while (!w.granted && !w.refused && t < deadline && t < nextCheck) {
                    long opens = pacer.opensAt(t);
                    w.turn.awaitNanos(Math.min(Math.min(deadline, nextCheck), opens > t ? opens : Long.MAX_VALUE) - t);
                    t = System.nanoTime();
                    if (!w.granted && !w.refused && paced(t)) {
                        dispatch(limits.get()); // the start rate or the API's limits let the next one in now
                    }
                }
                if (w.granted) {
                    return new Slot(w.profile);
                }
                if (w.refused) {
                    throw shuttingDown();
                }
                if (t >= deadline) {
                    leave(w);
                    String why = pacer.reason();
                    throw new Refusal(
                            ErrorCode.QUEUE_TIMEOUT,
                            "no free slot within the queue timeout of " + Units.formatDuration(w.profile.queueTimeout())
                                    + " (profile " + w.profile.profile() + ")" + (why.isEmpty() ? "" : ": " + why)
                                    + "; try again later");
                }
                now = position(w);
            } catch (InterruptedException e) {
                leave(w);
                Thread.currentThread().interrupt();
                throw shuttingDown();
            } finally {
                lock.unlock();
            }
            boolean due = !now.equals(sent)
                    || t - lastSent >= HEARTBEAT_NANOS
                    || (!shownOnce && t - enqueued >= FIRST_SHOWN_NANOS);
            if (due) {
                tell(w, notice, now);
                sent = now;
                lastSent = t;
                shownOnce |= t - enqueued >= FIRST_SHOWN_NANOS;
            }
            nextCheck = shownOnce ? t + TICK_NANOS : enqueued + FIRST_SHOWN_NANOS;
        }
    }

    private void tell(Waiter w, QueueNotice notice, Position now) {
        try {
            notice.position(now.position(), now.length(), now.reason());
        } catch (RuntimeException e) {
            leave(w); // the caller is gone
            throw e;
        }
    }

    /** Refuses every waiting request and every later one with {@code shutting_down}. */
    void shutDown() {
        lock.lock();
        try {
            closed = true;
            for (ArrayDeque<Waiter> line : lines.values()) {
                for (Waiter w : line) {
                    w.refused = true;
                    w.turn.signal();
                    places.give(w.key.identity(), 1);
                }
            }
            lines.clear();
            waiting = 0;
        } finally {
            lock.unlock();
        }
    }

    boolean closed() {
        lock.lock();
        try {
            return closed;
        } finally {
            lock.unlock();
        }
    }

    int running() {
        lock.lock();
        try {
            return running;
        } finally {
            lock.unlock();
        }
    }

    int waiting() {
        lock.lock();
        try {
            return waiting;
        } finally {
            lock.unlock();
        }
    }

    /** Gives free slots to waiting requests, one client at a time in turn. Called with the lock held. */
    private void dispatch(LimitsConfig l) {
        while (running < l.maxRunning() && !lines.isEmpty() && paced(System.nanoTime())) {
            Waiter next = null;
            for (ArrayDeque<Waiter> line : lines.values()) {
                if (hasRoom(line.peekFirst().profile, l)) {
                    next = line.peekFirst();
                    break;
                }
            }
            if (next == null) {
                return; // every waiting client's profile is at its own cap
            }
            ArrayDeque<Waiter> line = lines.remove(next.key);
            line.removeFirst();
            if (!line.isEmpty()) {
                lines.put(next.key, line); // to the back of the turn order
            }
            waiting--;
            places.give(next.key.identity(), 1);
            take(next.profile);
            next.granted = true;
            next.turn.signal();
        }
    }

    private boolean hasRoom(ProfileLimits p, LimitsConfig l) {
        return running < l.maxRunning()
                && (p.maxRunning() == 0 || runningByProfile.getOrDefault(p.profile(), 0) < p.maxRunning());
    }

    private boolean paced(long now) {
        return pacer.opensAt(now) <= now;
    }

    private Slot take(ProfileLimits p) {
        pacer.started(System.nanoTime());
        running++;
        runningByProfile.merge(p.profile(), 1, Integer::sum);
        return new Slot(p);
    }

    private void leave(Waiter w) {
        lock.lock();
        try {
            if (w.granted) {
                new Slot(w.profile).close(); // granted just as it gave up: pass the slot on
                return;
            }
            ArrayDeque<Waiter> line = lines.get(w.key);
            if (line != null && line.remove(w)) {
                waiting--;
                places.give(w.key.identity(), 1);
                if (line.isEmpty()) {
                    lines.remove(w.key);
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Where the request stands in the round-robin order: in round r every client with more than r
     * requests waiting gets one turn, in turn order. Per-profile caps can only make it later.
     */
    private Position position(Waiter w) {
        ArrayDeque<Waiter> own = lines.get(w.key);
        int k = 0;
        for (Waiter x : own) {
            if (x == w) {
                break;
            }
            k++;
        }
        long ahead = 0;
        boolean before = true;
        for (Map.Entry<ClientKey, ArrayDeque<Waiter>> e : lines.entrySet()) {
            int len = e.getValue().size();
            if (e.getKey().equals(w.key)) {
                before = false;
            }
            ahead += Math.min(len, k) + (before && len > k ? 1 : 0);
        }
        return new Position(ahead + 1, waiting, pacer.reason());
    }

    static Refusal shuttingDown() {
        return new Refusal(
                ErrorCode.SHUTTING_DOWN,
                "the bridge is shutting down and did not start this request; try again when it is back");
    }

    private record Position(long position, long length, String reason) {}

    private static final class Waiter {
        final ClientKey key;
        final ProfileLimits profile;
        final Condition turn;
        boolean granted;
        boolean refused;

        Waiter(ClientKey key, ProfileLimits profile, Condition turn) {
            this.key = key;
            this.profile = profile;
            this.turn = turn;
        }
    }

    /** A running slot; closing it (once) hands it to the next client in turn. */
    final class Slot implements AutoCloseable {
        private final ProfileLimits profile;
        private final AtomicBoolean closed = new AtomicBoolean();

        private Slot(ProfileLimits profile) {
            this.profile = profile;
        }

        @Override
        public void close() {
            if (!closed.compareAndSet(false, true)) {
                return;
            }
            lock.lock();
            try {
                running--;
                runningByProfile.merge(profile.profile(), -1, Integer::sum);
                dispatch(limits.get());
            } finally {
                lock.unlock();
            }
        }
    }
}
