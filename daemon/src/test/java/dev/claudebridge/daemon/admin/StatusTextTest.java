package dev.claudebridge.daemon.admin;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

class StatusTextTest {
    private static RequestView request(
            String id, String state, String argv, long millis, String exit, int status, String detail) {
        return new RequestView(
                id,
                "default",
                "/run/b.sock uid=1000 gid=1000",
                "",
                state,
                argv,
                "/workspace",
                "/srv/w",
                "2025-01-01T10:00:00Z",
                "2025-01-01T10:00:01Z",
                status < 0 ? "" : "2025-01-01T10:00:09Z",
                millis,
                0,
                10,
                0,
                status < 0 ? "" : "exit",
                exit,
                status,
                detail,
                status == 0);
    }

    private static StatusReport report(boolean ready, List<RequestView> running, List<RequestView> failures) {
        return report(
                ready,
                running,
                failures,
                new StatusReport.Usage(List.of()),
                new StatusReport.RateLimit("unknown", null, null, "", null, false, ""));
    }

    @Test
    void aRejectedReloadIsShownWithItsReason() {
        StatusReport.Reload rejected = new StatusReport.Reload(
                42, 2, "2025-01-01T10:04:00Z", false, "tls://127.0.0.1:9443: no certificate in /etc/b/server.crt");
        String text = StatusText.render(
                report(
                        true,
                        List.of(),
                        List.of(),
                        new StatusReport.Usage(List.of()),
                        new StatusReport.RateLimit("unknown", null, null, "", null, false, ""),
                        rejected),
                ZoneOffset.UTC);
        assertThat(text)
                .contains("  reload    REJECTED, the previous configuration stays (2025-01-01T10:04:00Z):"
                        + " tls://127.0.0.1:9443: no certificate in /etc/b/server.crt\n");
        assertThat(StatusText.render(report(true, List.of(), List.of()), ZoneOffset.UTC))
                .doesNotContain("  reload ");
    }

    @Test
    void theApisLimitsAndTheLargestSpendersAreShown() {
        String text = StatusText.render(
                report(
                        true,
                        List.of(),
                        List.of(),
                        new StatusReport.Usage(List.of(
                                new dev.claudebridge.daemon.usage.UsageBook.Totals(
                                        "default", "agent-1", 3, 1000, 200, 50, 7, 1.234),
                                new dev.claudebridge.daemon.usage.UsageBook.Totals(
                                        "default", "agent-2", 1, 10, 2, 0, 0, 0))),
                        new StatusReport.RateLimit(
                                "rejected",
                                1.0,
                                "2025-01-01T11:00:00Z",
                                "five_hour",
                                "2025-01-01T10:00:00Z",
                                true,
                                "the API refused the host's login for now")),
                ZoneOffset.UTC);
        assertThat(text)
                .contains("  api       rejected, 100% used (five_hour), resets 11:00:00; STARTS PAUSED\n")
                .contains("  usage     agent-1 (default): 1257 tokens, $1.23, 3 requests\n")
                .contains("  usage     agent-2 (default): 12 tokens, $0.00, 1 request\n");
        assertThat(StatusText.render(report(true, List.of(), List.of()), ZoneOffset.UTC))
                .doesNotContain("  api ")
                .doesNotContain("  usage ");
    }

    private static StatusReport report(
            boolean ready,
            List<RequestView> running,
            List<RequestView> failures,
            StatusReport.Usage usage,
            StatusReport.RateLimit rateLimit) {
        return report(ready, running, failures, usage, rateLimit, null);
    }

    private static StatusReport report(
            boolean ready,
            List<RequestView> running,
            List<RequestView> failures,
            StatusReport.Usage usage,
            StatusReport.RateLimit rateLimit,
            StatusReport.Reload reload) {
        return new StatusReport(
                "1.0.0",
                "2025-01-01T08:00:00Z",
                7500,
                "2025-01-01T10:05:00Z",
                ready,
                List.of(
                        new Readiness.CheckResult("listening", true, "on /run/b.sock"),
                        new Readiness.CheckResult(
                                "claude",
                                ready,
                                ready ? "claude 2.1.0 at /usr/bin/claude" : "claude not found (looked in 3 places)")),
                new StatusReport.Claude(
                        ready,
                        ready ? "/usr/bin/claude" : "",
                        ready ? "2.1.0 (Claude Code)" : "",
                        ready,
                        ready ? "claude 2.1.0 at /usr/bin/claude" : "claude not found (looked in 3 places)"),
                List.of(new StatusReport.Listener("unix", "/run/b.sock", "default")),
                List.of("http://127.0.0.1:9777"),
                List.of(new StatusReport.Profile("default", running.size(), 0, 12, failures.size())),
                running,
                0,
                new StatusReport.Totals(20, 12, failures.size(), 0, 100, 5),
                List.of(),
                failures,
                "serving",
                List.of(),
                usage,
                rateLimit,
                reload);
    }

    @Test
    void aReadyDaemonInOneScreen() {
        String text = StatusText.render(
                report(true, List.of(request("a-7", "running", "-p 'fix the bug'", 125_000, "", -1, "")), List.of()),
                ZoneOffset.UTC);
        assertThat(text)
                .startsWith("claude-bridge 1.0.0: ready, up 2h 5m\n")
                .contains("  claude    2.1.0 (Claude Code) at /usr/bin/claude\n")
                .contains("  sockets   /run/b.sock (profile default)\n")
                .contains("  checks    ok listening, ok claude\n")
                .contains("  requests  1 running, 0 queued, 12 finished, 0 failed\n")
                .contains(
                        "RUNNING\n  ID   PROFILE  STATE    FOR    COMMAND\n  a-7  default  running  2m 5s  -p 'fix the bug'\n")
                .doesNotContain("RECENT FAILURES");
    }

    @Test
    void aDaemonThatIsNotReadySaysWhichCheckFailedAndWhy() {
        String text = StatusText.render(
                report(
                        false,
                        List.of(),
                        List.of(request(
                                "a-5",
                                "finished",
                                "--dangerously-skip-permissions",
                                10,
                                "refused: policy_denied",
                                78,
                                "not allowed"))),
                ZoneOffset.UTC);
        assertThat(text)
                .startsWith("claude-bridge 1.0.0: NOT READY")
                .contains("  checks    ok listening, FAIL claude\n")
                .contains("            claude: claude not found (looked in 3 places)\n")
                .contains("  claude    claude not found (looked in 3 places)\n")
                .contains(
                        "RECENT FAILURES\n  ENDED     ID   PROFILE  RESULT                  COMMAND                         WHY\n"
                                + "  10:00:09  a-5  default  refused: policy_denied  --dangerously-skip-permissions  not allowed\n");
    }
}
