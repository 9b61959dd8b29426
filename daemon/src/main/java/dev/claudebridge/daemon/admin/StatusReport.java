package dev.claudebridge.daemon.admin;

import java.util.List;

/**
 * What {@code /api/status} answers, the dashboard shows and {@code claude-bridge status} prints.
 * Fields are only ever added, so an older {@code status} command can read a newer daemon.
 *
 * @param version this daemon's version
 * @param startedAt when the daemon started (ISO-8601)
 * @param uptimeSeconds seconds since then
 * @param now the daemon's clock when this report was made (ISO-8601)
 * @param ready whether every check passes
 * @param checks each readiness check, in order
 * @param claude what the last probe of the host's claude found
 * @param listeners the agents' sockets
 * @param admin where the admin endpoints listen
 * @param profiles per-profile counts
 * @param running live requests (queued, starting and running), oldest first
 * @param queued how many requests wait for a running slot
 * @param totals counts since the daemon started
 * @param recent the last finished requests, newest first
 * @param failures the last failed requests, newest first
 * @param state {@code serving}, {@code draining} (an operator asked it to start no new requests) or
 *     {@code stopping} (a shutdown has begun); null from a daemon older than the field
 * @param load running and queued counts over the last ten minutes ({@code t} in epoch milliseconds),
 *     a point each time one changed, oldest first
 * @param usage what the host claude reported it used, per client, since the daemon started
 * @param rateLimit the login's rate-limit state as claude last reported it, and whether starts wait for it
 * @param reload the daemon's pid and its last configuration reload's outcome; null from a daemon older than
 *     the field
 */
public record StatusReport(
        String version,
        String startedAt,
        long uptimeSeconds,
        String now,
        boolean ready,
        List<Readiness.CheckResult> checks,
        Claude claude,
        List<Listener> listeners,
        List<String> admin,
        List<Profile> profiles,
        List<RequestView> running,
        long queued,
        Totals totals,
        List<RequestView> recent,
        List<RequestView> failures,
        String state,
        List<LoadPoint> load,
        Usage usage,
        RateLimit rateLimit,
        Reload reload) {

    /** The host's claude: where it was found, and its {@code --version} ("" when unknown). */
    public record Claude(boolean found, String path, String version, boolean answering, String detail) {}

    /**
     * One agents' socket.
     *
     * @param kind "unix" (later: "tcp", "websocket")
     * @param address its path or address
     * @param profile the profile of connections arriving on it
     */
    public record Listener(String kind, String address, String profile) {}

    /** Requests of one profile: running and queued now, finished and failed since the start. */
    public record Profile(String name, long running, long queued, long finished, long failed) {}

    /**
     * The daemon's reloads, so {@code claude-bridge reload} can tell the operator whether the one it asked
     * for was put in force.
     *
     * @param pid the daemon's process id (the reload command checks it answers for the daemon it signalled)
     * @param count reloads attempted since the start, accepted or not
     * @param at when the last one ended (ISO-8601; "" before the first)
     * @param accepted whether the last one put its configuration in force
     * @param detail what it changed, or why it was rejected
     */
    public record Reload(long pid, long count, String at, boolean accepted, String detail) {}

    /** Running and queued requests at a moment ({@code t}: epoch milliseconds). */
    public record LoadPoint(long t, int running, int queued) {}
    /**
     * Usage per client since the daemon started, largest first: at most {@link #USAGE_CLIENTS} clients, the
     * rest added up in one entry whose client is "other". A client is a caller identity of a profile, shown
     * by the name it gives (its {@code CLAUDE_BRIDGE_CLIENT_NAME} or host name), else by the identity;
     * {@code costUsd} adds up what claude reported (0 for requests it reported no cost for).
     */
    public record Usage(List<dev.claudebridge.daemon.usage.UsageBook.Totals> clients) {}

    public static final int USAGE_CLIENTS = 50;

    /**
     * The login's rate-limit state: {@code status} is "allowed", "allowed_warning", "rejected" or
     * "unknown" (claude reported nothing yet); {@code utilization} (0 to 1) and {@code resetsAt} (ISO-8601)
     * are null when claude did not say; {@code reason} names the limit ("five_hour", ..., "http 429");
     * {@code seenAt} when it was reported; {@code startsPaused} whether new requests wait for it now, and
     * {@code pauseReason} what they are told.
     */
    public record RateLimit(
            String status,
            Double utilization,
            String resetsAt,
            String reason,
            String seenAt,
            boolean startsPaused,
            String pauseReason) {}

    /** Counts since the daemon started. */
    public record Totals(long connections, long finished, long failed, long bytesIn, long bytesOut, long bytesErr) {}
}
