package dev.claudebridge.daemon.admin;

import dev.claudebridge.daemon.session.SessionInfo;
import dev.claudebridge.daemon.session.SessionListener;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.List;
import java.util.function.IntSupplier;

/**
 * Running and queued requests over the last ten minutes, for the dashboard's chart: a point each time
 * either count changes (from the session events), so a page opened now draws what happened before it
 * was opened. Bounded: points older than the window go, and at most {@link #MAX_POINTS} are kept.
 */
final class LoadHistory implements SessionListener {
    static final long WINDOW_MS = 10 * 60 * 1000;
    static final int MAX_POINTS = 2000;

    private final Clock clock;
    private final IntSupplier running;
    private final IntSupplier queued;
    private final ArrayDeque<StatusReport.LoadPoint> points = new ArrayDeque<>();

    LoadHistory(Clock clock, IntSupplier running, IntSupplier queued) {
        this.clock = clock;
        this.running = running;
        this.queued = queued;
    }

    @Override
    public void accepted(SessionInfo s) {
        sample();
    }

    @Override
    public void started(SessionInfo s) {
        sample();
    }

    @Override
    public void finished(SessionInfo s) {
        sample();
    }

    /** Notes the counts now, when they differ from the last point. */
    void sample() {
        StatusReport.LoadPoint p = new StatusReport.LoadPoint(clock.millis(), running.getAsInt(), queued.getAsInt());
        synchronized (points) {
            StatusReport.LoadPoint last = points.peekLast();
            if (last == null || last.running() != p.running() || last.queued() != p.queued()) {
                points.addLast(p);
            }
            // the newest point before the window stays: it says what the counts were when the window opens
            while (points.size() > MAX_POINTS || (points.size() > 1 && second().t() < p.t() - WINDOW_MS)) {
                points.removeFirst();
            }
        }
    }

    private StatusReport.LoadPoint second() {
        var it = points.iterator();
        it.next();
        return it.next();
    }

    /** The points of the window, oldest first. */
    List<StatusReport.LoadPoint> points() {
        synchronized (points) {
            return List.copyOf(points);
        }
    }
}
