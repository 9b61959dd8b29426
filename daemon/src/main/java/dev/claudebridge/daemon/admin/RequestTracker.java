package dev.claudebridge.daemon.admin;

import dev.claudebridge.daemon.session.SessionInfo;
import dev.claudebridge.daemon.session.SessionListener;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;

/**
 * Follows every session for the admin side: the live ones, a bounded ring of the last finished
 * requests (and a separate one of failures, so a burst of successes does not hide them), per-profile
 * totals, and byte totals that only ever grow (a session's bytes move from "live" to "finished" under
 * one lock). Watchers (the dashboard's event stream) can wait for the next change.
 */
public final class RequestTracker implements SessionListener {
    public static final int RECENT = 50;
    public static final int FAILURES = 20;

    private final Function<SessionInfo, String> profileOf;
    private final Map<String, SessionInfo> live = new ConcurrentHashMap<>();
    private final AtomicLong connections = new AtomicLong();
    private final Object books = new Object();
    private final ArrayDeque<RequestView> recent = new ArrayDeque<>();
    private final ArrayDeque<RequestView> failures = new ArrayDeque<>();
    private final Map<String, long[]> finishedByProfile = new TreeMap<>(); // {finished, failed}
    private long finishedIn;
    private long finishedOut;
    private long finishedErr;
    private final ReentrantLock changeLock = new ReentrantLock();
    private final Condition changed = changeLock.newCondition();
    private long version;

    /** @param profileOf the profile a session runs under (its label in metrics and the status page) */
    public RequestTracker(Function<SessionInfo, String> profileOf) {
        this.profileOf = profileOf;
    }

    @Override
    public void accepted(SessionInfo s) {
        live.put(s.id(), s);
        connections.incrementAndGet();
        bump();
    }

    @Override
    public void starting(SessionInfo s) {
        bump();
    }

    @Override
    public void started(SessionInfo s) {
        bump();
    }

    @Override
    public void finished(SessionInfo s) {
        String profile = profile(s);
        synchronized (books) {
            live.remove(s.id());
            finishedIn += s.bytesIn();
            finishedOut += s.bytesOut();
            finishedErr += s.bytesErr();
            if (isRequest(s)) {
                RequestView v = RequestView.of(s, profile, s.ended().orElse(Instant.now()));
                push(recent, v, RECENT);
                if (!v.ok()) {
                    push(failures, v, FAILURES);
                }
                long[] counts = finishedByProfile.computeIfAbsent(profile, k -> new long[2]);
                counts[0]++;
                counts[1] += v.ok() ? 0 : 1;
            }
        }
        bump();
    }

    /**
     * Whether a session counts as a request: it sent one, or was refused. A connection that closed
     * without a word (a port probe) is only a connection.
     */
    static boolean isRequest(SessionInfo s) {
        return s.request().isPresent() || !s.outcome().equals("connection_lost");
    }

    String profile(SessionInfo s) {
        return profileOf.apply(s);
    }

    /** The sessions connected now, oldest first. */
    public List<SessionInfo> live() {
        return live.values().stream()
                .sorted(Comparator.comparing(SessionInfo::accepted))
                .toList();
    }

    /** Live sessions with their request read but not yet admitted. */
    public long queued() {
        return live.values().stream()
                .filter(s -> RequestView.state(s).equals("queued"))
                .count();
    }

    public long connections() {
        return connections.get();
    }

    /** The last finished requests, newest first. */
    public List<RequestView> recent() {
        synchronized (books) {
            return List.copyOf(recent);
        }
    }

    /** The last failed requests, newest first. */
    public List<RequestView> failures() {
        synchronized (books) {
            return List.copyOf(failures);
        }
    }

    /** Finished and failed counts by profile, since the daemon started. */
    public Map<String, Totals> finishedByProfile() {
        synchronized (books) {
            Map<String, Totals> copy = new TreeMap<>();
            finishedByProfile.forEach((k, v) -> copy.put(k, new Totals(v[0], v[1])));
            return copy;
        }
    }

    /** Bytes of stdin, stdout and stderr moved so far, finished and live together; never decreases. */
    public Bytes bytes() {
        synchronized (books) {
            long in = finishedIn;
            long out = finishedOut;
            long err = finishedErr;
            for (SessionInfo s : live.values()) {
                in += s.bytesIn();
                out += s.bytesOut();
                err += s.bytesErr();
            }
            return new Bytes(in, out, err);
        }
    }

    /** A number that changes whenever a session arrives, starts or ends. */
    public long version() {
        changeLock.lock();
        try {
            return version;
        } finally {
            changeLock.unlock();
        }
    }

    /**
     * Waits until {@link #version()} differs from {@code seen}, or the timeout passes.
     *
     * @return the version now
     */
    public long awaitChange(long seen, long timeout, TimeUnit unit) throws InterruptedException {
        long nanos = unit.toNanos(timeout);
        changeLock.lock();
        try {
            while (version == seen && nanos > 0) {
                nanos = changed.awaitNanos(nanos);
            }
            return version;
        } finally {
            changeLock.unlock();
        }
    }

    private void bump() {
        changeLock.lock();
        try {
            version++;
            changed.signalAll();
        } finally {
            changeLock.unlock();
        }
    }

    private static void push(ArrayDeque<RequestView> ring, RequestView v, int max) {
        ring.addFirst(v);
        while (ring.size() > max) {
            ring.removeLast();
        }
    }

    /** Live requests (connections that have not sent one are left out), oldest first. */
    List<RequestView> liveViews(Instant now) {
        List<RequestView> out = new ArrayList<>();
        for (SessionInfo s : live()) {
            if (s.request().isPresent() && s.ended().isEmpty()) {
                out.add(RequestView.of(s, profile(s), now));
            }
        }
        return out;
    }

    /** Requests finished since the daemon started, and how many of them failed. */
    public record Totals(long finished, long failed) {}

    /** Bytes by stream. */
    public record Bytes(long stdin, long stdout, long stderr) {}
}
