package dev.claudebridge.daemon.admin;

import dev.claudebridge.daemon.config.ProfileConfig;
import dev.claudebridge.daemon.policy.Profile;
import dev.claudebridge.daemon.session.BridgeSettings;
import dev.claudebridge.daemon.session.SessionInfo;
import dev.claudebridge.daemon.session.SessionListener;
import dev.claudebridge.daemon.transport.ListenerException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything admin, put together for {@code serve}: create it before the session engine (its
 * {@link #listener()} goes into the engine), let other parts add readiness checks and the queue
 * count, then {@link #start} it once the agents' sockets are bound.
 */
public final class AdminSide implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AdminSide.class);

    private final RequestTracker tracker;
    private final Readiness readiness = new Readiness();
    private final ClaudeProbe claude;
    private final BridgeMetrics metrics;
    private final StatusService status;
    private final LoadHistory load;
    private volatile QueueGauge queue;
    private volatile AdminServer server;
    private volatile OperatorControl control = OperatorControl.NONE;
    private volatile java.util.Optional<OperatorToken> token = java.util.Optional.empty();

    /**
     * @param version this daemon's version
     * @param settings the current configuration snapshot (read at each use, so a reload is seen): where
     *     claude is, the agents' sockets, the profiles and how callers are bound to them
     */
    public AdminSide(String version, Supplier<BridgeSettings> settings) {
        this.tracker = new RequestTracker(s -> profileOf(settings.get(), s));
        this.queue = tracker::queued;
        this.claude =
                new ClaudeProbe(() -> settings.get().claude(), settings.get().daemonEnv());
        QueueGauge queued = () -> queue.queued();
        Supplier<List<StatusReport.Listener>> listeners = () -> settings.get().config().listeners().stream()
                .map(l -> new StatusReport.Listener(
                        "unix", l.socket().toString(), l.profile().orElse("")))
                .toList();
        Supplier<List<String>> profiles =
                () -> List.copyOf(settings.get().config().profiles().keySet());
        this.readiness.add(new ListeningCheck(
                () -> listeners.get().stream().map(l -> Path.of(l.address())).toList()));
        this.readiness.add(this.claude);
        this.readiness.add(ReadinessCheck.of(
                "accepting",
                () -> control.state().equals("serving")
                        ? ReadinessCheck.Outcome.ok(control.detail())
                        : ReadinessCheck.Outcome.failed(control.state() + ": " + control.detail())));
        this.metrics = new BridgeMetrics(
                tracker,
                profiles,
                queued,
                () -> Readiness.allOk(readiness.evaluate()),
                version,
                () -> this.claude.current().version());
        this.status = new StatusService(
                version, Clock.systemUTC(), tracker, readiness, this.claude, queued, listeners, profiles);
        this.status.state(() -> control.state());
        this.load = new LoadHistory(
                Clock.systemUTC(),
                () -> (int) tracker.liveViews(java.time.Instant.now()).stream()
                        .filter(v -> !v.state().equals("queued"))
                        .count(),
                () -> (int) queued.queued());
        this.load.sample();
        this.status.load(load);
    }

    /**
     * The profile a session is labelled with: the one it was bound to, else the one its peer would be
     * bound to (for refusals that come before binding, such as a protocol mismatch), else "none".
     */
    static String profileOf(BridgeSettings settings, SessionInfo s) {
        return s.profile()
                .map(ProfileConfig::name)
                .or(() -> settings.profileFor(s.peer()).map(Profile::name))
                .orElse("none");
    }

    /** Feeds the status page and the metrics; give it to the session engine. */
    public SessionListener listener() {
        return SessionListener.all(List.of(tracker, metrics, load)); // load after tracker: it counts what tracker holds
    }

    /** Shows the usage per client and the login's rate-limit state (status API and metrics); call once, before {@link #start}. */
    public void usage(UsageStatus usage) {
        metrics.usage(usage);
        status.usage(usage);
    }

    /** Shows the last configuration reload's outcome in the status report; call before {@link #start}. */
    public void reloads(java.util.function.Supplier<StatusReport.Reload> reloads) {
        status.reloads(reloads);
    }

    /** Where other parts add their readiness checks (e.g. the audit log's). */
    public Readiness readiness() {
        return readiness;
    }

    /** The admission queue's length; without it, requests not yet admitted are counted. */
    public void queue(QueueGauge gauge) {
        this.queue = gauge;
    }

    /**
     * What operators may do (end a request, drain), and the token that proves one; without a token only
     * the admin socket may act. Call it before {@link #start}: the endpoint takes them when it starts.
     */
    public void control(OperatorControl control, Optional<OperatorToken> token) {
        this.control = control;
        this.token = token;
    }

    /**
     * Binds the admin endpoint(s); with neither an address nor a socket, does nothing.
     *
     * @param required whether the address was asked for explicitly: then a taken address stops the
     *     daemon; the default address, when taken (a second daemon on the host), only costs a warning
     * @throws dev.claudebridge.daemon.transport.ListenerException when a required address is taken
     */
    public void start(Optional<AdminAddress> http, Optional<Path> socket, boolean required) {
        if (http.isEmpty() && socket.isEmpty()) {
            LOG.info("admin endpoint off");
            return;
        }
        try {
            server = AdminServer.start(
                    http, socket, status, metrics, readiness, tracker, new ActionHandler(control, token));
        } catch (ListenerException e) {
            if (required) {
                throw e;
            }
            LOG.warn("{}; serving agents without the admin endpoint", e.getMessage());
            return;
        }
        LOG.info(
                "admin endpoint on {} (dashboard at /, /metrics, /api/status, /healthz, /readyz)",
                String.join(" and ", server.endpoints()));
    }

    /** The bound admin TCP port, once started. */
    public OptionalInt port() {
        AdminServer s = server;
        return s == null ? OptionalInt.empty() : s.port();
    }

    @Override
    public void close() {
        AdminServer s = server;
        if (s != null) {
            s.close();
        }
    }
}
