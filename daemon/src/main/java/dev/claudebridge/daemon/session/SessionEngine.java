package dev.claudebridge.daemon.session;

import dev.claudebridge.daemon.sandbox.Sandbox;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.WritableByteChannel;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Runs sessions over whatever transport hands it a pair of streams, and keeps the set of live ones
 * for the status page and for shutdown.
 */
public final class SessionEngine {
    private final Supplier<BridgeSettings> settings;
    private final String software;
    private final Admission admission;
    private final SessionListener listener;
    private final Conversations conversations;
    private final Supplier<Sandbox> sandbox;
    private final Launcher launcher;
    private static final Sandbox NO_SANDBOX = Sandbox.unavailable("the daemon was started without one");
    private final Set<Session> live = ConcurrentHashMap.newKeySet();
    private final AtomicLong sequence = new AtomicLong();
    private final String prefix = Long.toString(ThreadLocalRandom.current().nextLong(36L * 36 * 36), 36);

    /**
     * @param settings the current policy snapshot, read once at the start of each session
     * @param software this daemon's name and version, sent in the HELLO
     * @param admission decides when a request may start
     * @param listeners told of every session's progress (audit, metrics, status)
     * @param conversations who owns which claude conversation
     * @param sandbox what sandboxed profiles run in (or why they cannot run), read once per session
     */
    public SessionEngine(
            Supplier<BridgeSettings> settings,
            String software,
            Admission admission,
            List<SessionListener> listeners,
            Conversations conversations,
            Supplier<Sandbox> sandbox) {
        this(settings, software, admission, listeners, conversations, sandbox, Launcher.HOST);
    }

    /** An engine that starts its processes with {@code launcher} (the engine's tests give their own). */
    SessionEngine(
            Supplier<BridgeSettings> settings,
            String software,
            Admission admission,
            List<SessionListener> listeners,
            Conversations conversations,
            Supplier<Sandbox> sandbox,
            Launcher launcher) {
        this.launcher = launcher;
        this.settings = settings;
        this.software = software;
        this.admission = admission;
        this.listener = SessionListener.all(listeners);
        this.conversations = conversations;
        this.sandbox = sandbox;
    }

    /** An engine without a sandbox: a sandboxed profile's requests are refused, saying so. */
    public SessionEngine(
            Supplier<BridgeSettings> settings,
            String software,
            Admission admission,
            List<SessionListener> listeners,
            Conversations conversations) {
        this(settings, software, admission, listeners, conversations, () -> NO_SANDBOX);
    }

    /** An engine whose conversation records last as long as it does. */
    public SessionEngine(
            Supplier<BridgeSettings> settings, String software, Admission admission, List<SessionListener> listeners) {
        this(settings, software, admission, listeners, Conversations.inMemory());
    }

    public SessionEngine(Supplier<BridgeSettings> settings, String software) {
        this(settings, software, Admission.UNLIMITED, List.of());
    }

    /** Serves one connection to its end; the transport closes the streams when this returns. */
    public void serve(InputStream in, OutputStream out, Peer peer) {
        serve(in, out, peer, PeerCheck.ACCEPTED);
    }

    /** Serves one connection whose peer the transport tells in full only after the HELLO. */
    public void serve(InputStream in, OutputStream out, Peer peer, PeerCheck check) {
        serve(in, out, peer, check, Optional.empty());
    }

    /**
     * Serves one connection; {@code rawOut} is the channel {@code out} writes to unchanged, if any, which
     * the output relay then writes its direct buffers to.
     */
    public void serve(
            InputStream in, OutputStream out, Peer peer, PeerCheck check, Optional<WritableByteChannel> rawOut) {
        SessionInfo info = new SessionInfo(prefix + "-" + sequence.incrementAndGet(), peer);
        Session s = new Session(
                info,
                settings.get(),
                software,
                admission,
                listener,
                conversations,
                sandbox.get(),
                launcher,
                in,
                out,
                rawOut,
                check);
        live.add(s);
        try {
            s.run();
        } finally {
            live.remove(s);
        }
    }

    /** The sessions connected right now (handshaking, queued or running). */
    public List<SessionInfo> live() {
        return live.stream().map(Session::info).toList();
    }

    /** What became of an operator's request to end a request. */
    public enum Ending {
        /** The caller is told and the process tree is being ended. */
        ENDED,
        /** No live request has that id. */
        NOT_FOUND,
        /** It is live but has no process (queued or starting). */
        NOT_RUNNING
    }

    /** Ends one running request's whole host process tree for an operator (TERM, then KILL after the kill grace). */
    public Ending end(String id, Operator by) {
        for (Session s : live) {
            if (s.info().id().equals(id)) {
                return s.endBy(by) ? Ending.ENDED : Ending.NOT_RUNNING;
            }
        }
        return Ending.NOT_FOUND;
    }

    /** Ends every running host process tree (TERM, then KILL after the grace). */
    public void terminateAll(Duration grace) {
        live.parallelStream().forEach(s -> s.terminate(grace));
    }

    /** Closes quietly; for transports and pumps tearing down. */
    public static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            // the peer or the process is gone already
        }
    }
}
