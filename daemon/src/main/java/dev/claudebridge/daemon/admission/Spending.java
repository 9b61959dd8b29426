package dev.claudebridge.daemon.admission;

import dev.claudebridge.daemon.config.BudgetConfig;
import dev.claudebridge.daemon.config.ProfileConfig;
import dev.claudebridge.daemon.session.Refusal;
import dev.claudebridge.daemon.session.SessionInfo;
import dev.claudebridge.daemon.session.SessionListener;
import dev.claudebridge.daemon.usage.LoginLimits;
import dev.claudebridge.daemon.usage.RateLimitInfo;
import dev.claudebridge.daemon.usage.TokenUsage;
import dev.claudebridge.daemon.usage.UsageBook;
import dev.claudebridge.protocol.ErrorCode;
import dev.claudebridge.protocol.Request;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Optional;

/**
 * Usage and the API's limits as admission sees them: each finished request's usage goes into the book,
 * each rate-limit report into the login's state; a request whose profile or client has spent a daily
 * budget is refused ({@code budget_exhausted}), saying when it resets.
 */
public final class Spending implements SessionListener {
    private static final DateTimeFormatter WHEN =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'").withZone(ZoneOffset.UTC);

    private final UsageBook book;
    private final LoginLimits login;

    public Spending(UsageBook book, LoginLimits login) {
        this.book = book;
        this.login = login;
    }

    public UsageBook book() {
        return book;
    }

    public LoginLimits login() {
        return login;
    }

    @Override
    public void finished(SessionInfo s) {
        if (s.started().isEmpty()) {
            return;
        }
        book.add(profile(s), s.peer().identity().toString(), client(s), s.usage());
    }

    @Override
    public void rateLimit(SessionInfo s, RateLimitInfo state) {
        login.report(state);
    }

    /** Refuses a request whose profile, or whose client, has spent a daily budget. */
    void check(SessionInfo s) {
        BudgetConfig b = s.profile().map(ProfileConfig::budget).orElse(BudgetConfig.NONE);
        String profile = profile(s);
        UsageBook.Totals all = book.profileToday(profile);
        UsageBook.Totals mine = book.clientToday(profile, s.peer().identity().toString());
        over(
                        b.tokensPerDay(),
                        all.tokens(),
                        "tokens-per-day",
                        "profile " + profile + " has used " + all.tokens() + " tokens today, its budget of "
                                + b.tokensPerDay())
                .or(() -> over(
                        b.usdPerDay(),
                        all.costUsd(),
                        "usd-per-day",
                        "profile " + profile + " has spent $" + money(all.costUsd()) + " today, its budget of $"
                                + money(b.usdPerDay())))
                .or(() -> over(
                        b.clientTokensPerDay(),
                        mine.tokens(),
                        "client-tokens-per-day",
                        "this caller has used "
                                + mine.tokens() + " tokens today, its budget of " + b.clientTokensPerDay()
                                + " (profile "
                                + profile + ")"))
                .or(() -> over(
                        b.clientUsdPerDay(),
                        mine.costUsd(),
                        "client-usd-per-day",
                        "this caller has spent $"
                                + money(mine.costUsd()) + " today, its budget of $" + money(b.clientUsdPerDay())
                                + " (profile " + profile + ")"))
                .ifPresent(r -> {
                    throw r;
                });
    }

    /** Why a running request has passed its profile's per-request budget, if it has. */
    static Optional<String> overRequest(BudgetConfig b, TokenUsage u) {
        if (b.requestTokens() > 0 && u.tokens() > b.requestTokens()) {
            return Optional.of("the request used " + u.tokens() + " tokens, more than its budget of "
                    + b.requestTokens() + " (budget.request-tokens) and was ended");
        }
        if (b.requestUsd() > 0 && u.costUsd().orElse(0) > b.requestUsd()) {
            return Optional.of("the request cost $" + money(u.costUsd().getAsDouble()) + ", more than its budget of $"
                    + money(b.requestUsd()) + " (budget.request-usd) and was ended");
        }
        return Optional.empty();
    }

    private Optional<Refusal> over(double limit, double used, String key, String what) {
        if (limit <= 0 || used < limit) {
            return Optional.empty();
        }
        Instant resets = book.resetsAt();
        return Optional.of(new Refusal(
                ErrorCode.BUDGET_EXHAUSTED,
                "budget." + key,
                what + "; the budget resets at " + WHEN.format(resets) + " (budget." + key + ")"));
    }

    private static String money(double usd) {
        return String.format(java.util.Locale.ROOT, "%.4f", usd);
    }

    private static String profile(SessionInfo s) {
        return s.profile().map(ProfileConfig::name).orElse("none");
    }

    private static String client(SessionInfo s) {
        return s.request().map(Request::clientName).orElse("");
    }
}
