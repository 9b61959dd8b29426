package dev.claudebridge.daemon.usage;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What each client (a profile and a caller identity, as the fair queue counts them) has used: since the
 * daemon started, and today (a day is a UTC day; budgets count today's). The first {@link #LABELLED}
 * clients keep a name of their own in the metrics for the daemon's life; later ones are counted as
 * "other", so the label set stays bounded and every series only grows. At most {@link #MAX_CLIENTS}
 * clients are told apart; beyond, they are counted as their profile's "other".
 */
public final class UsageBook {
    /** Clients named in the metrics; the rest are "other". */
    public static final int LABELLED = 20;
    /** Clients told apart at all. */
    static final int MAX_CLIENTS = 10_000;

    public static final String OTHER = "other";

    /** One client's figures. */
    public record Totals(
            String profile,
            String client,
            long requests,
            long inputTokens,
            long outputTokens,
            long cacheReadTokens,
            long cacheCreationTokens,
            double costUsd) {
        /** Every token: input, output and both kinds of cache (not a field of the status report). */
        @com.fasterxml.jackson.annotation.JsonIgnore
        public long tokens() {
            return inputTokens + outputTokens + cacheReadTokens + cacheCreationTokens;
        }

        Totals plus(TokenUsage u, String name) {
            return new Totals(
                    profile,
                    name,
                    requests + 1,
                    inputTokens + u.inputTokens(),
                    outputTokens + u.outputTokens(),
                    cacheReadTokens + u.cacheReadTokens(),
                    cacheCreationTokens + u.cacheCreationTokens(),
                    costUsd + u.costUsd().orElse(0));
        }

        /** These figures and {@code o}'s, under this one's profile and client. */
        public Totals add(Totals o) {
            return new Totals(
                    profile,
                    client,
                    requests + o.requests,
                    inputTokens + o.inputTokens,
                    outputTokens + o.outputTokens,
                    cacheReadTokens + o.cacheReadTokens,
                    cacheCreationTokens + o.cacheCreationTokens,
                    costUsd + o.costUsd);
        }

        public static Totals zero(String profile, String client) {
            return new Totals(profile, client, 0, 0, 0, 0, 0, 0);
        }
    }

    private record Key(String profile, String identity) {}

    private final Clock clock;
    private final Map<Key, Totals> sinceStart = new LinkedHashMap<>();
    private final Map<Key, Totals> today = new HashMap<>();
    private final Map<String, Totals> profileToday = new HashMap<>();
    private final Map<Key, String> labels = new HashMap<>();
    private LocalDate day;

    public UsageBook(Clock clock) {
        this.clock = clock;
        this.day = LocalDate.now(clock.withZone(ZoneOffset.UTC));
    }

    public UsageBook() {
        this(Clock.systemUTC());
    }

    /**
     * Counts one finished request.
     *
     * @param identity the caller's identity (what budgets are per)
     * @param name the name it gives itself, shown beside its figures
     */
    public synchronized void add(String profile, String identity, String name, TokenUsage u) {
        rollOver();
        Key k = key(profile, identity);
        String shown = name.isBlank() ? identity : name.length() > 64 ? name.substring(0, 64) : name;
        sinceStart.merge(k, Totals.zero(profile, shown).plus(u, shown), (a, b) -> a.plus(u, shown));
        today.merge(k, Totals.zero(profile, shown).plus(u, shown), (a, b) -> a.plus(u, shown));
        profileToday.merge(profile, Totals.zero(profile, "").plus(u, ""), (a, b) -> a.plus(u, ""));
        if (!labels.containsKey(k)) {
            labels.put(k, labels.size() < LABELLED && !k.identity().equals(OTHER) ? shown : OTHER);
        }
    }

    /**
     * Counts a request of today that an earlier daemon ran (from the audit log), for the budgets only:
     * the figures "since the start" stay this daemon's.
     */
    public synchronized void addEarlier(String profile, String identity, TokenUsage u) {
        rollOver();
        Key k = key(profile, identity);
        today.merge(k, Totals.zero(profile, identity).plus(u, identity), (a, b) -> a.plus(u, a.client()));
        profileToday.merge(profile, Totals.zero(profile, "").plus(u, ""), (a, b) -> a.plus(u, ""));
    }

    /** What a client used today. */
    public synchronized Totals clientToday(String profile, String identity) {
        rollOver();
        return today.getOrDefault(key(profile, identity), Totals.zero(profile, identity));
    }

    /** What a profile's clients used today. */
    public synchronized Totals profileToday(String profile) {
        rollOver();
        return profileToday.getOrDefault(profile, Totals.zero(profile, ""));
    }

    /** When today's counts start again: the next midnight, UTC. */
    public Instant resetsAt() {
        return LocalDate.now(clock.withZone(ZoneOffset.UTC))
                .plusDays(1)
                .atStartOfDay(ZoneOffset.UTC)
                .toInstant();
    }

    /** Every client's figures since the start, largest token count first. */
    public synchronized List<Totals> clients() {
        List<Totals> out = new ArrayList<>(sinceStart.values());
        out.sort(Comparator.comparingLong(Totals::tokens).reversed());
        return out;
    }

    /**
     * The figures since the start under the metrics' bounded labels: each named client once (two
     * identities with one name are added up), every later client in its profile's "other".
     */
    public synchronized List<Totals> labelled() {
        Map<List<String>, Totals> out = new LinkedHashMap<>();
        sinceStart.forEach((k, t) -> {
            String label = labels.getOrDefault(k, OTHER);
            out.merge(
                    List.of(k.profile(), label), Totals.zero(k.profile(), label).add(t), Totals::add);
        });
        return List.copyOf(out.values());
    }

    private Key key(String profile, String identity) {
        Key k = new Key(profile, identity);
        if (!sinceStart.containsKey(k) && sinceStart.size() >= MAX_CLIENTS) {
            return new Key(profile, OTHER);
        }
        return k;
    }

    private void rollOver() {
        LocalDate now = LocalDate.now(clock.withZone(ZoneOffset.UTC));
        if (!now.equals(day)) {
            day = now;
            today.clear();
            profileToday.clear();
        }
    }
}
