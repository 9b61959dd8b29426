package dev.claudebridge.daemon.admission;

import dev.claudebridge.daemon.session.PeerIdentity;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;

/**
 * Logs refusals of connections without letting a flood flood the log: the first refusal of an identity
 * for a limit, then at most one line per {@link #EVERY_NANOS} with the count since.
 */
final class RefusalLog {
    static final long EVERY_NANOS = TimeUnit.SECONDS.toNanos(10);
    private static final int MAX_TRACKED = 4096;

    private final Logger log;
    private final Map<String, long[]> seen = new HashMap<>(); // key -> {last logged, refused since}

    RefusalLog(Logger log) {
        this.log = log;
    }

    void note(PeerIdentity id, String limit) {
        String key = id + " " + limit;
        long now = System.nanoTime();
        long suppressed;
        synchronized (this) {
            long[] s = seen.get(key);
            if (s != null && now - s[0] < EVERY_NANOS) {
                s[1]++;
                return;
            }
            if (seen.size() >= MAX_TRACKED) {
                seen.values().removeIf(v -> now - v[0] >= EVERY_NANOS);
            }
            suppressed = s == null ? 0 : s[1];
            seen.put(key, new long[] {now, 0});
        }
        log.warn(
                "refusing a connection of {}: its {} is reached{}",
                id,
                limit,
                suppressed == 0 ? "" : " (" + suppressed + " more refused since the last such line)");
    }
}
