package dev.claudebridge.daemon.session;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Runs sessions over whatever transport hands it a pair of streams, and keeps the set of running
 * ones so that shutdown can end them.
 */
public final class SessionEngine {
    private final Supplier<BridgeSettings> settings;
    private final Set<Session> running = ConcurrentHashMap.newKeySet();
    private final AtomicLong ids = new AtomicLong();
    private final String software;

    /**
     * @param settings the current policy snapshot, read once at the start of each session
     * @param software this daemon's name and version, sent in the HELLO
     */
    public SessionEngine(Supplier<BridgeSettings> settings, String software) {
        this.settings = settings;
        this.software = software;
    }

    /**
     * Serves one connection to its end; closes nothing but what it opened (the caller closes the
     * transport when this returns).
     *
     * @param peer a description of the caller for logs (socket path, later peer credentials)
     */
    public void serve(InputStream in, OutputStream out, String peer) {
        Session s = new Session(Long.toString(ids.incrementAndGet(), 36) + "-" + Long.toString(System.currentTimeMillis() % 46656, 36),
                settings.get(), software, in, out, peer);
        running.add(s);
        try {
            s.run();
        } finally {
            running.remove(s);
        }
    }

    public int runningCount() {
        return running.size();
    }

    /** Ends every running host process tree (TERM, then KILL after the grace). */
    public void terminateAll(Duration grace) {
        running.parallelStream().forEach(s -> s.terminate(grace));
    }

    /** Closes the given stream quietly; for transports. */
    public static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (IOException e) {
            // the peer is gone already
        } catch (Exception e) {
            // nothing useful to do while tearing down
        }
    }
}
