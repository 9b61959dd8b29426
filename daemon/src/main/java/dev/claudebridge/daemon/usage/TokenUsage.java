package dev.claudebridge.daemon.usage;

import java.util.OptionalDouble;

/**
 * What one request used, as the host claude reported it.
 *
 * @param costUsd the cost claude computed ({@code total_cost_usd}); empty when it did not say (its transcript has no cost)
 * @param model the model that answered (the first one claude named; "" when unknown)
 * @param turns the model's turns (claude's {@code num_turns}, or the assistant messages of its transcript)
 * @param source where the figures come from: "result" (claude's result message on stdout), "transcript"
 *     (its session file on the host), or "none"
 */
public record TokenUsage(
        long inputTokens,
        long outputTokens,
        long cacheReadTokens,
        long cacheCreationTokens,
        OptionalDouble costUsd,
        String model,
        long turns,
        String source) {
    public static final TokenUsage NONE = new TokenUsage(0, 0, 0, 0, OptionalDouble.empty(), "", 0, "none");

    /** Every token counted: input, output and both kinds of cache. */
    public long tokens() {
        return inputTokens + outputTokens + cacheReadTokens + cacheCreationTokens;
    }

    public boolean known() {
        return !source.equals("none");
    }
}
