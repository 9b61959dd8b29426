package dev.claudebridge.daemon.admin;

import dev.claudebridge.daemon.session.SessionInfo;
import dev.claudebridge.daemon.session.SessionListener;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.ExpositionFormatWriter;
import io.prometheus.metrics.expositionformats.OpenMetricsTextFormatWriter;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Unit;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The Prometheus metrics: counters and histograms fed by session events, gauges read from the
 * {@link RequestTracker} at scrape time, and the client library's JVM and process metrics. Names
 * and labels are listed in docs/ADMIN.md.
 */
public final class BridgeMetrics implements SessionListener {
    private static final double[] WAIT_BOUNDS = {0.005, 0.01, 0.05, 0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600};
    private static final double[] RUN_BOUNDS = {0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800, 3600};

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final RequestTracker tracker;
    private final Supplier<List<String>> profiles;
    private final Counter requests;
    private final Counter refusals;
    private final Counter exits;
    private final Counter connections;
    private final Histogram queueWait;
    private final Histogram runDuration;

    /**
     * @param profiles the configured profiles: their series exist (at zero) before their first request
     * @param queue how many requests wait for a slot
     * @param ready whether every readiness check passes (evaluated at scrape time)
     * @param claudeVersion the host claude's version ("" when unknown), for the info metric
     */
    public BridgeMetrics(
            RequestTracker tracker,
            Supplier<List<String>> profiles,
            QueueGauge queue,
            BooleanSupplier ready,
            String version,
            Supplier<String> claudeVersion) {
        this.tracker = tracker;
        this.profiles = profiles;
        requests = register(Counter.builder()
                .name("claude_bridge_requests")
                .help(
                        "Requests finished, by profile and outcome (exit, signal, or the error code of a refusal or failure)")
                .labelNames("profile", "outcome")
                .build());
        refusals = register(Counter.builder()
                .name("claude_bridge_refusals")
                .help("Requests refused before their process ran, by profile and reason (the error code)")
                .labelNames("profile", "reason")
                .build());
        exits = register(Counter.builder()
                .name("claude_bridge_process_exits")
                .help("Host processes ended, by profile and the status the caller sees (128+N for death by signal N)")
                .labelNames("profile", "status")
                .build());
        connections = register(Counter.builder()
                .name("claude_bridge_connections")
                .help("Connections accepted on the agents' sockets, by listener")
                .labelNames("listener")
                .build());
        queueWait = register(Histogram.builder()
                .name("claude_bridge_queue_wait_seconds")
                .unit(Unit.SECONDS)
                .help("Time from connection to admission, for requests that were admitted")
                .labelNames("profile")
                .classicOnly()
                .classicUpperBounds(WAIT_BOUNDS)
                .build());
        runDuration = register(Histogram.builder()
                .name("claude_bridge_run_duration_seconds")
                .unit(Unit.SECONDS)
                .help("Time the host process ran")
                .labelNames("profile")
                .classicOnly()
                .classicUpperBounds(RUN_BOUNDS)
                .build());
        registry.register(GaugeWithCallback.builder()
                .name("claude_bridge_requests_running")
                .help("Host processes running now, by profile")
                .labelNames("profile")
                .callback(cb -> runningByProfile().forEach((p, n) -> cb.call(n, p)))
                .build());
        registry.register(GaugeWithCallback.builder()
                .name("claude_bridge_requests_queued")
                .help("Requests waiting for a running slot now")
                .callback(cb -> cb.call(queue.queued()))
                .build());
        registry.register(GaugeWithCallback.builder()
                .name("claude_bridge_connections_open")
                .help("Connections open now on the agents' sockets")
                .callback(cb -> cb.call(tracker.live().size()))
                .build());
        registry.register(CounterWithCallback.builder()
                .name("claude_bridge_stream_bytes")
                .help("Bytes relayed, by stream: stdin from callers, stdout and stderr to them")
                .labelNames("stream")
                .callback(cb -> {
                    RequestTracker.Bytes b = tracker.bytes();
                    cb.call(b.stdin(), "stdin");
                    cb.call(b.stdout(), "stdout");
                    cb.call(b.stderr(), "stderr");
                })
                .build());
        registry.register(GaugeWithCallback.builder()
                .name("claude_bridge_ready")
                .help("1 when every readiness check passes (see /readyz), else 0")
                .callback(cb -> cb.call(ready.getAsBoolean() ? 1 : 0))
                .build());
        registry.register(GaugeWithCallback.builder()
                .name("claude_bridge_info")
                .help("Always 1; the labels carry this daemon's version and the host claude's")
                .labelNames("version", "claude_version")
                .callback(cb -> cb.call(1, version, claudeVersion.get()))
                .build());
        JvmMetrics.builder().register(registry);
        for (String p : profiles.get()) {
            requests.labelValues(p, "exit");
            queueWait.labelValues(p);
            runDuration.labelValues(p);
        }
    }

    /** Adds the usage and rate-limit metrics ({@link UsageMetrics}); once. */
    void usage(UsageStatus usage) {
        UsageMetrics.register(registry, usage);
    }

    private <T extends io.prometheus.metrics.model.registry.Collector> T register(T metric) {
        registry.register(metric);
        return metric;
    }

    private Map<String, Long> runningByProfile() {
        Map<String, Long> out = new TreeMap<>();
        profiles.get().forEach(p -> out.put(p, 0L));
        for (SessionInfo s : tracker.live()) {
            if (s.started().isPresent() && s.ended().isEmpty()) {
                out.merge(tracker.profile(s), 1L, Long::sum);
            }
        }
        return out;
    }

    @Override
    public void accepted(SessionInfo s) {
        connections.labelValues(s.peer().listener()).inc();
    }

    @Override
    public void starting(SessionInfo s) {
        s.admitted()
                .ifPresent(a ->
                        queueWait.labelValues(tracker.profile(s)).observe(seconds(Duration.between(s.accepted(), a))));
    }

    @Override
    public void finished(SessionInfo s) {
        if (!RequestTracker.isRequest(s)) {
            return;
        }
        String profile = tracker.profile(s);
        String outcome = s.outcome();
        requests.labelValues(profile, outcome).inc();
        switch (outcome) {
            case "exit", "signal" ->
                exits.labelValues(profile, Integer.toString(RequestView.callerStatus(s)))
                        .inc();
            case "connection_lost", "internal" -> {
                // the caller left, or the daemon failed: neither is a refusal
            }
            default -> {
                if (s.started().isEmpty()) {
                    refusals.labelValues(profile, outcome).inc();
                }
            }
        }
        if (s.started().isPresent() && s.ended().isPresent()) {
            runDuration
                    .labelValues(profile)
                    .observe(seconds(
                            Duration.between(s.started().get(), s.ended().get())));
        }
    }

    private static double seconds(Duration d) {
        return Math.max(0, d.toNanos()) / 1e9;
    }

    /**
     * Writes every metric in the format the scraper asked for: OpenMetrics when its Accept header
     * names it, else the Prometheus text format 0.0.4.
     *
     * @return the content type written
     */
    public String write(String accept, OutputStream out) throws IOException {
        ExpositionFormatWriter w = accept.contains("application/openmetrics-text")
                ? OpenMetricsTextFormatWriter.create()
                : PrometheusTextFormatWriter.create();
        w.write(out, registry.scrape());
        return w.getContentType();
    }
}
