package dev.claudebridge.daemon.config;

/**
 * A profile's spending limits ({@code profiles.NAME.budget:}), counted from what the host claude reports
 * it used; 0 is no limit. A day is a UTC day. Tokens are every token claude counts: input, output and
 * both kinds of cache.
 *
 * @param tokensPerDay all of the profile's clients together, today
 * @param usdPerDay all of the profile's clients together, today (claude's own cost figures)
 * @param clientTokensPerDay each client (caller identity) of the profile, today
 * @param clientUsdPerDay each client of the profile, today
 * @param requestTokens one request: a request whose reported usage passes it is ended
 * @param requestUsd one request, likewise
 */
public record BudgetConfig(
        long tokensPerDay,
        double usdPerDay,
        long clientTokensPerDay,
        double clientUsdPerDay,
        long requestTokens,
        double requestUsd) {
    static final Table<BudgetConfig> TABLE = new Table<>(v -> new BudgetConfig(
            v.get(BudgetConfig.TOKENS_PER_DAY),
            v.get(BudgetConfig.USD_PER_DAY),
            v.get(BudgetConfig.CLIENT_TOKENS_PER_DAY),
            v.get(BudgetConfig.CLIENT_USD_PER_DAY),
            v.get(BudgetConfig.REQUEST_TOKENS),
            v.get(BudgetConfig.REQUEST_USD)));

    private static final long MAX_TOKENS = 1L << 50;
    private static final double MAX_USD = 1e9;

    public static final Setting<BudgetConfig, Long> TOKENS_PER_DAY =
            TABLE.number("tokens-per-day", 0, 0, MAX_TOKENS, BudgetConfig::tokensPerDay);
    public static final Setting<BudgetConfig, Double> USD_PER_DAY =
            TABLE.decimal("usd-per-day", 0, 0, MAX_USD, BudgetConfig::usdPerDay);
    public static final Setting<BudgetConfig, Long> CLIENT_TOKENS_PER_DAY =
            TABLE.number("client-tokens-per-day", 0, 0, MAX_TOKENS, BudgetConfig::clientTokensPerDay);
    public static final Setting<BudgetConfig, Double> CLIENT_USD_PER_DAY =
            TABLE.decimal("client-usd-per-day", 0, 0, MAX_USD, BudgetConfig::clientUsdPerDay);
    public static final Setting<BudgetConfig, Long> REQUEST_TOKENS =
            TABLE.number("request-tokens", 0, 0, MAX_TOKENS, BudgetConfig::requestTokens);
    public static final Setting<BudgetConfig, Double> REQUEST_USD =
            TABLE.decimal("request-usd", 0, 0, MAX_USD, BudgetConfig::requestUsd);

    public static final BudgetConfig NONE = TABLE.defaults();

    public <T> BudgetConfig with(Setting<BudgetConfig, T> s, T value) {
        return s.with(this, value);
    }
}
