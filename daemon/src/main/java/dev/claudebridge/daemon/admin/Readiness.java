package dev.claudebridge.daemon.admin;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** The set of readiness checks; the daemon is ready when every one passes. */
public final class Readiness {
    private final List<ReadinessCheck> checks = new CopyOnWriteArrayList<>();

    public Readiness add(ReadinessCheck check) {
        checks.add(check);
        return this;
    }

    /** Runs every check in the order added; a check that throws counts as failed. */
    public List<CheckResult> evaluate() {
        return checks.stream().map(Readiness::run).toList();
    }

    public static boolean allOk(List<CheckResult> results) {
        return results.stream().allMatch(CheckResult::ok);
    }

    private static CheckResult run(ReadinessCheck c) {
        try {
            ReadinessCheck.Outcome o = c.check();
            return new CheckResult(c.name(), o.ok(), o.detail());
        } catch (RuntimeException e) {
            return new CheckResult(c.name(), false, "check failed: " + e);
        }
    }

    /** One check's result, as {@code /readyz} and the status API show it. */
    public record CheckResult(String name, boolean ok, String detail) {}
}
