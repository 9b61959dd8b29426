package dev.claudebridge.daemon.exec;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Remembers every process each running host process has started. A process that calls setsid leaves
 * the process group, and once its parent has exited it is no longer anyone's descendant, so ending the
 * tree needs this memory of who belonged to it. One scan of the process table per tick serves all
 * running processes, and the scanner runs only while there are some.
 */
final class DescendantTracker {
    private static final long TICK_MS = 200;
    private static final Map<Long, Set<ProcessHandle>> SEEN = new ConcurrentHashMap<>();
    private static final ScheduledExecutorService SCANNER = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "descendant-tracker");
        t.setDaemon(true);
        return t;
    });

    static {
        SCANNER.scheduleWithFixedDelay(DescendantTracker::scan, TICK_MS, TICK_MS, TimeUnit.MILLISECONDS);
    }

    private DescendantTracker() {}

    static void track(long pid) {
        SEEN.put(pid, ConcurrentHashMap.newKeySet());
    }

    /** Everything seen under {@code pid} so far, plus its descendants right now; forgets the pid. */
    static Set<ProcessHandle> release(long pid) {
        Set<ProcessHandle> all = SEEN.getOrDefault(pid, ConcurrentHashMap.newKeySet());
        ProcessHandle.of(pid).ifPresent(h -> h.descendants().forEach(all::add));
        SEEN.remove(pid);
        return all;
    }

    /** The same without forgetting: for ending a tree whose leader still runs. */
    static Set<ProcessHandle> snapshot(long pid) {
        Set<ProcessHandle> all = ConcurrentHashMap.newKeySet();
        all.addAll(SEEN.getOrDefault(pid, Set.of()));
        ProcessHandle.of(pid).ifPresent(h -> h.descendants().forEach(all::add));
        return all;
    }

    private static void scan() {
        if (SEEN.isEmpty()) {
            return;
        }
        SEEN.forEach((pid, seen) ->
                ProcessHandle.of(pid).ifPresent(h -> h.descendants().forEach(seen::add)));
    }
}
