package dev.claudebridge.daemon.admin;

import dev.claudebridge.daemon.config.LimitsConfig;
import dev.claudebridge.daemon.usage.LoginLimits;
import dev.claudebridge.daemon.usage.RateLimitInfo;
import dev.claudebridge.daemon.usage.UsageBook;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/** The status report's usage and rate-limit parts, read from the book and the login's state. */
public final class UsageStatus {
    static final UsageStatus NONE = new UsageStatus(new UsageBook(), new LoginLimits(), LimitsConfig::defaults);

    private final UsageBook book;
    private final LoginLimits login;
    private final Supplier<LimitsConfig> limits;

    /** @param limits the current limits (how long starts pause after a refusal, and at what utilization) */
    public UsageStatus(UsageBook book, LoginLimits login, Supplier<LimitsConfig> limits) {
        this.book = book;
        this.login = login;
        this.limits = limits;
    }

    UsageBook book() {
        return book;
    }

    LoginLimits login() {
        return login;
    }

    StatusReport.Usage usage() {
        List<UsageBook.Totals> all = book.clients();
        List<UsageBook.Totals> out = new ArrayList<>();
        UsageBook.Totals rest = UsageBook.Totals.zero("", UsageBook.OTHER);
        for (UsageBook.Totals t : all) {
            if (out.size() < StatusReport.USAGE_CLIENTS) {
                out.add(t);
            } else {
                rest = rest.add(t);
            }
        }
        if (rest.requests() > 0) {
            out.add(rest);
        }
        return new StatusReport.Usage(List.copyOf(out));
    }

    StatusReport.RateLimit rateLimit(Instant now) {
        Optional<RateLimitInfo> r = login.current();
        LimitsConfig l = limits.get();
        Optional<LoginLimits.Hold> hold = login.hold(now, l.apiBackoff(), l.apiPauseAbove());
        return new StatusReport.RateLimit(
                r.map(RateLimitInfo::status).orElse("unknown"),
                r.flatMap(i -> i.utilization().isPresent()
                                ? Optional.of(i.utilization().getAsDouble())
                                : Optional.empty())
                        .orElse(null),
                r.flatMap(RateLimitInfo::resetsAt).map(Instant::toString).orElse(null),
                r.map(RateLimitInfo::reason).orElse(""),
                r.map(i -> i.seen().toString()).orElse(null),
                hold.isPresent(),
                hold.map(LoginLimits.Hold::reason).orElse(""));
    }
}
