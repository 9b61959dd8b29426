package dev.claudebridge.daemon.admin;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/** The status report as {@code claude-bridge status} prints it: a summary a person reads at a glance. */
public final class StatusText {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss");

    /** Clients listed under "usage": the largest spenders. */
    private static final int USAGE_LINES = 5;

    private StatusText() {}

    /** The login's rate-limit state, when claude has reported one (a daemon that predates it reports none). */
    private static void api(StringBuilder out, StatusReport.RateLimit r, ZoneId zone) {
        if (r == null || r.status() == null || r.status().equals("unknown")) {
            return;
        }
        StringBuilder b = new StringBuilder(r.status());
        if (r.utilization() != null) {
            b.append(", ").append(Math.round(r.utilization() * 100)).append("% used");
        }
        if (r.reason() != null && !r.reason().isEmpty()) {
            b.append(" (").append(r.reason()).append(')');
        }
        if (r.resetsAt() != null) {
            b.append(", resets ").append(TIME.format(Instant.parse(r.resetsAt()).atZone(zone)));
        }
        if (r.startsPaused()) {
            b.append("; STARTS PAUSED");
        }
        line(out, "api", b.toString());
    }

    public static String render(StatusReport s, ZoneId zone) {
        StringBuilder out = new StringBuilder();
        List<Readiness.CheckResult> failing =
                s.checks().stream().filter(c -> !c.ok()).toList();
        out.append("claude-bridge ")
                .append(s.version())
                .append(": ")
                .append(s.ready() ? "ready" : "NOT READY")
                .append(s.state() == null || s.state().equals("serving") ? "" : " (" + s.state() + ")")
                .append(", up ")
                .append(duration(s.uptimeSeconds() * 1000))
                .append('\n');
        line(
                out,
                "claude",
                s.claude().answering()
                        ? s.claude().version() + " at " + s.claude().path()
                        : s.claude().detail());
        line(
                out,
                "sockets",
                s.listeners().isEmpty()
                        ? "none"
                        : s.listeners().stream()
                                .map(l -> l.address() + (l.profile().isEmpty() ? "" : " (profile " + l.profile() + ")"))
                                .collect(Collectors.joining(", ")));
        line(out, "admin", String.join(", ", s.admin()));
        if (s.reload() != null && s.reload().count() > 0) { // a rejected reload would otherwise show only in the log
            line(
                    out,
                    "reload",
                    (s.reload().accepted() ? "in force" : "REJECTED, the previous configuration stays") + " ("
                            + s.reload().at() + "): " + s.reload().detail());
        }
        line(
                out,
                "checks",
                s.checks().stream()
                        .map(c -> (c.ok() ? "ok " : "FAIL ") + c.name())
                        .collect(Collectors.joining(", ")));
        for (Readiness.CheckResult c : failing) {
            line(out, "", c.name() + ": " + c.detail());
        }
        long running =
                s.running().stream().filter(r -> !r.state().equals("queued")).count();
        line(
                out,
                "requests",
                running + " running, " + s.queued() + " queued, " + s.totals().finished() + " finished, "
                        + s.totals().failed() + " failed");
        for (StatusReport.Profile p : s.profiles()) {
            line(
                    out,
                    "profile",
                    p.name() + ": " + p.running() + " running, " + p.queued() + " queued, " + p.finished()
                            + " finished, " + p.failed() + " failed");
        }
        api(out, s.rateLimit(), zone);
        if (s.usage() != null) {
            s.usage().clients().stream()
                    .limit(USAGE_LINES)
                    .forEach(c -> line(
                            out,
                            "usage",
                            c.client() + (c.profile().isEmpty() ? "" : " (" + c.profile() + ")") + ": "
                                    + c.tokens() + " tokens, $"
                                    + String.format(java.util.Locale.ROOT, "%.2f", c.costUsd()) + ", "
                                    + c.requests() + (c.requests() == 1 ? " request" : " requests")));
        }
        if (!s.running().isEmpty()) {
            out.append("\nRUNNING\n");
            List<String[]> rows = new ArrayList<>();
            rows.add(new String[] {"ID", "PROFILE", "STATE", "FOR", "COMMAND"});
            s.running()
                    .forEach(r ->
                            rows.add(new String[] {r.id(), r.profile(), r.state(), duration(r.millis()), r.argv()}));
            table(out, rows);
        }
        if (!s.failures().isEmpty()) {
            out.append("\nRECENT FAILURES\n");
            List<String[]> rows = new ArrayList<>();
            rows.add(new String[] {"ENDED", "ID", "PROFILE", "RESULT", "COMMAND", "WHY"});
            s.failures().stream()
                    .limit(10)
                    .forEach(r -> rows.add(
                            new String[] {time(r.ended(), zone), r.id(), r.profile(), r.exit(), r.argv(), r.detail()}));
            table(out, rows);
        }
        return out.toString();
    }

    private static void line(StringBuilder out, String label, String text) {
        out.append(String.format("  %-9s %s%n", label, text));
    }

    private static void table(StringBuilder out, List<String[]> rows) {
        int cols = rows.getFirst().length;
        int[] width = new int[cols];
        for (String[] r : rows) {
            for (int i = 0; i < cols - 1; i++) {
                width[i] = Math.max(width[i], r[i].length());
            }
        }
        for (String[] r : rows) {
            StringBuilder line = new StringBuilder("  ");
            for (int i = 0; i < cols; i++) {
                line.append(i < cols - 1 ? String.format("%-" + width[i] + "s  ", r[i]) : r[i]);
            }
            out.append(line.toString().stripTrailing()).append('\n');
        }
    }

    static String duration(long millis) {
        long s = millis / 1000;
        if (s < 60) {
            return s + "s";
        }
        if (s < 3600) {
            return s / 60 + "m " + s % 60 + "s";
        }
        if (s < 86400) {
            return s / 3600 + "h " + s % 3600 / 60 + "m";
        }
        return s / 86400 + "d " + s % 86400 / 3600 + "h";
    }

    private static String time(String iso, ZoneId zone) {
        if (iso.isEmpty()) {
            return "";
        }
        return TIME.format(Instant.parse(iso).atZone(zone));
    }
}
