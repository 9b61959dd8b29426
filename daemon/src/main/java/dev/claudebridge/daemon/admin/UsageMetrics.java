package dev.claudebridge.daemon.admin;

import dev.claudebridge.daemon.usage.RateLimitInfo;
import dev.claudebridge.daemon.usage.UsageBook;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Instant;
import java.util.List;

/**
 * The usage and rate-limit metrics, read from the book and the login's state at scrape time. The client
 * label is bounded: the first {@link UsageBook#LABELLED} clients are named, every later one is "other"
 * ({@link UsageBook#labelled}). Names are listed in docs/ADMIN.md.
 */
final class UsageMetrics {
    private static final List<String> STATUSES =
            List.of(RateLimitInfo.ALLOWED, RateLimitInfo.WARNING, RateLimitInfo.REJECTED);

    private UsageMetrics() {}

    static void register(PrometheusRegistry registry, UsageStatus usage) {
        registry.register(CounterWithCallback.builder()
                .name("claude_bridge_usage_tokens")
                .help("Tokens the host claude reported using, by profile, client and kind"
                        + " (input, output, cache_read, cache_creation)")
                .labelNames("profile", "client", "kind")
                .callback(cb -> usage.book().labelled().forEach(t -> {
                    cb.call(t.inputTokens(), t.profile(), t.client(), "input");
                    cb.call(t.outputTokens(), t.profile(), t.client(), "output");
                    cb.call(t.cacheReadTokens(), t.profile(), t.client(), "cache_read");
                    cb.call(t.cacheCreationTokens(), t.profile(), t.client(), "cache_creation");
                }))
                .build());
        registry.register(CounterWithCallback.builder()
                .name("claude_bridge_usage_cost_usd")
                .help("Cost in US dollars the host claude reported, by profile and client")
                .labelNames("profile", "client")
                .callback(cb -> usage.book().labelled().forEach(t -> cb.call(t.costUsd(), t.profile(), t.client())))
                .build());
        registry.register(CounterWithCallback.builder()
                .name("claude_bridge_usage_requests")
                .help("Requests that ran, by profile and client (the denominator of the usage figures)")
                .labelNames("profile", "client")
                .callback(cb -> usage.book().labelled().forEach(t -> cb.call(t.requests(), t.profile(), t.client())))
                .build());
        registry.register(GaugeWithCallback.builder()
                .name("claude_bridge_api_rate_limit_status")
                .help("1 for the login's rate-limit status as claude last reported it (allowed, allowed_warning,"
                        + " rejected), else 0; all 0 before any report")
                .labelNames("status")
                .callback(cb -> {
                    String now =
                            usage.login().current().map(RateLimitInfo::status).orElse("");
                    STATUSES.forEach(s -> cb.call(s.equals(now) ? 1 : 0, s));
                })
                .build());
        registry.register(GaugeWithCallback.builder()
                .name("claude_bridge_api_rate_limit_utilization")
                .help("The share (0 to 1) of the login's limit used, as claude last reported it; absent before")
                .callback(cb -> usage.login()
                        .current()
                        .filter(r -> r.utilization().isPresent())
                        .ifPresent(r -> cb.call(r.utilization().getAsDouble())))
                .build());
        registry.register(GaugeWithCallback.builder()
                .name("claude_bridge_api_rate_limit_resets_timestamp_seconds")
                .help("When the login's limit resets (Unix time), as claude last reported it; absent when unknown")
                .callback(cb -> usage.login()
                        .current()
                        .flatMap(RateLimitInfo::resetsAt)
                        .ifPresent(t -> cb.call(t.getEpochSecond())))
                .build());
        registry.register(GaugeWithCallback.builder()
                .name("claude_bridge_starts_paused")
                .help("1 while new requests wait because of the API's limits (see the status API's rateLimit), else 0")
                .callback(cb -> cb.call(usage.rateLimit(Instant.now()).startsPaused() ? 1 : 0))
                .build());
    }
}
