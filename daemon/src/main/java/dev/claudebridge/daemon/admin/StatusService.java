package dev.claudebridge.daemon.admin;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;

/** Puts the status report together from the tracker, the readiness checks and the claude probe. */
public final class StatusService {
    /** Reads reports from newer daemons too: unknown fields are skipped. */
    public static final ObjectMapper JSON = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    private final String version;
    private final Instant startedAt;
    private final Clock clock;
    private final RequestTracker tracker;
    private final Readiness readiness;
    private final ClaudeProbe claude;
    private final QueueGauge queue;
    private final Supplier<List<StatusReport.Listener>> listeners;
    private final Supplier<List<String>> profileNames;
    private volatile List<String> admin = List.of();
    private volatile Supplier<String> state = () -> "serving";
    private volatile LoadHistory load;
    private volatile UsageStatus usage = UsageStatus.NONE;
    private volatile Supplier<StatusReport.Reload> reloads = () -> null;

    /**
     * @param listeners the agents' sockets (read per report: a reload may change them)
     * @param profileNames the configured profiles (shown even before their first request)
     */
    public StatusService(
            String version,
            Clock clock,
            RequestTracker tracker,
            Readiness readiness,
            ClaudeProbe claude,
            QueueGauge queue,
            Supplier<List<StatusReport.Listener>> listeners,
            Supplier<List<String>> profileNames) {
        this.version = version;
        this.clock = clock;
        this.startedAt = clock.instant();
        this.tracker = tracker;
        this.readiness = readiness;
        this.claude = claude;
        this.queue = queue;
        this.listeners = listeners;
        this.profileNames = profileNames;
    }

    /** Where the admin endpoints listen, once bound. */
    public void admin(List<String> endpoints) {
        this.admin = List.copyOf(endpoints);
    }

    /** Where the daemon's state (serving, draining, stopping) comes from. */
    void state(Supplier<String> state) {
        this.state = state;
    }

    /** Where the running/queued history comes from. */
    void load(LoadHistory history) {
        this.load = history;
    }

    /** {@code serving}, {@code draining} or {@code stopping}. */
    String state() {
        return state.get();
    }

    /** Where the usage and the login's limits come from. */
    public void usage(UsageStatus u) {
        this.usage = u;
    }

    /** Where the last reload's outcome comes from. */
    public void reloads(Supplier<StatusReport.Reload> reloads) {
        this.reloads = reloads;
    }

    public StatusReport report() {
        Instant now = clock.instant();
        List<Readiness.CheckResult> checks = readiness.evaluate();
        ClaudeProbe.State c = claude.current();
        List<RequestView> live = tracker.liveViews(now);
        Map<String, RequestTracker.Totals> done = tracker.finishedByProfile();
        Map<String, long[]> perProfile = new TreeMap<>();
        profileNames.get().forEach(p -> perProfile.put(p, new long[4]));
        for (RequestView v : live) {
            long[] n = perProfile.computeIfAbsent(v.profile(), k -> new long[4]);
            n[v.state().equals("queued") ? 1 : 0]++;
        }
        done.forEach((p, t) -> {
            long[] n = perProfile.computeIfAbsent(p, k -> new long[4]);
            n[2] = t.finished();
            n[3] = t.failed();
        });
        List<StatusReport.Profile> profiles = perProfile.entrySet().stream()
                .map(e -> new StatusReport.Profile(
                        e.getKey(), e.getValue()[0], e.getValue()[1], e.getValue()[2], e.getValue()[3]))
                .toList();
        RequestTracker.Bytes bytes = tracker.bytes();
        long finished = done.values().stream()
                .mapToLong(RequestTracker.Totals::finished)
                .sum();
        long failed =
                done.values().stream().mapToLong(RequestTracker.Totals::failed).sum();
        return new StatusReport(
                version,
                startedAt.toString(),
                Duration.between(startedAt, now).toSeconds(),
                now.toString(),
                Readiness.allOk(checks),
                checks,
                new StatusReport.Claude(c.found(), c.path(), c.version(), c.answering(), c.detail()),
                listeners.get(),
                admin,
                profiles,
                live,
                queue.queued(),
                new StatusReport.Totals(
                        tracker.connections(), finished, failed, bytes.stdin(), bytes.stdout(), bytes.stderr()),
                tracker.recent(),
                tracker.failures(),
                state(),
                history(),
                usage.usage(),
                usage.rateLimit(now),
                reloads.get());
    }

    private List<StatusReport.LoadPoint> history() {
        LoadHistory h = load;
        if (h == null) {
            return List.of();
        }
        h.sample(); // the line reaches now
        return h.points();
    }

    public byte[] json() {
        try {
            return JSON.writeValueAsBytes(report());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("status report could not be serialised", e);
        }
    }
}
