package dev.claudebridge.daemon.admission;

import dev.claudebridge.daemon.session.PeerIdentity;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Units of one resource (connections, queue places, bytes of requests in flight) under a bridge-wide
 * cap, a cap per identity, and a reserve per listener: a listener's callers can always take up to its
 * reserve, however busy the others are, so callers on one socket cannot lock out another socket's.
 * Thread-safe.
 */
final class Shares {
    private final List<String> listeners;
    private final Map<PeerIdentity, Long> byIdentity = new HashMap<>();
    private final Map<String, Long> byListener = new HashMap<>();
    private long total;

    /** @param listeners every listener there is (each gets a reserve) */
    Shares(List<String> listeners) {
        this.listeners = List.copyOf(listeners);
    }

    /** Why a take failed. */
    enum Refusal {
        /** the identity holds its own cap */
        IDENTITY,
        /** the bridge-wide cap (less the other listeners' reserves) is reached */
        TOTAL
    }

    /** Caps, read afresh for each take so a reload applies to the next one. */
    record Caps(long total, long perIdentity) {
        /** Each listener's reserve: its share of half the total, at most one identity's cap. */
        long reserve(int listeners) {
            return listeners <= 1 ? 0 : Math.min(perIdentity, total / 2 / listeners);
        }
    }

    /** Takes {@code n} units for {@code id}; the refusal, or null when they were taken. */
    synchronized Refusal take(PeerIdentity id, long n, Caps caps) {
        if (byIdentity.getOrDefault(id, 0L) + n > caps.perIdentity()) {
            return Refusal.IDENTITY;
        }
        long reserve = caps.reserve(listeners.size());
        long heldForOthers = 0;
        for (String l : listeners) {
            if (!l.equals(id.listener())) {
                heldForOthers += Math.max(0, reserve - byListener.getOrDefault(l, 0L));
            }
        }
        if (total + n + heldForOthers > caps.total()) {
            return Refusal.TOTAL;
        }
        byIdentity.merge(id, n, Long::sum);
        byListener.merge(id.listener(), n, Long::sum);
        total += n;
        return null;
    }

    /** Gives back {@code n} units taken for {@code id}. */
    synchronized void give(PeerIdentity id, long n) {
        if (byIdentity.merge(id, -n, Long::sum) <= 0) {
            byIdentity.remove(id);
        }
        if (byListener.merge(id.listener(), -n, Long::sum) <= 0) {
            byListener.remove(id.listener());
        }
        total -= n;
    }

    synchronized long of(PeerIdentity id) {
        return byIdentity.getOrDefault(id, 0L);
    }

    synchronized long total() {
        return total;
    }
}
