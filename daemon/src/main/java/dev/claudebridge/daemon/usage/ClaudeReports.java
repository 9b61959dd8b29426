package dev.claudebridge.daemon.usage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.util.Iterator;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * Reads the JSON lines the host claude writes about its usage and limits: the {@code result} and
 * {@code rate_limit_event} messages of {@code --output-format json/stream-json}, and the assistant
 * entries of its session transcript. Anything that is not what it should be reads as nothing; nothing
 * here throws on a caller's or a model's bytes.
 */
final class ClaudeReports {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ClaudeReports() {}

    static Optional<JsonNode> parse(byte[] line, int length) {
        try {
            JsonNode n = JSON.readTree(line, 0, length);
            return n != null && n.isObject() ? Optional.of(n) : Optional.empty();
        } catch (java.io.IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** The usage of one result message (one user turn: claude's {@code usage} is that turn's, its cost the session's so far). */
    static Optional<TokenUsage> result(JsonNode n) {
        if (!"result".equals(n.path("type").asText())) {
            return Optional.empty();
        }
        JsonNode u = n.path("usage");
        JsonNode cost = n.path("total_cost_usd");
        return Optional.of(new TokenUsage(
                count(u, "input_tokens"),
                count(u, "output_tokens"),
                count(u, "cache_read_input_tokens"),
                count(u, "cache_creation_input_tokens"),
                cost.isNumber() && cost.asDouble() >= 0 ? OptionalDouble.of(cost.asDouble()) : OptionalDouble.empty(),
                firstKey(n.path("modelUsage")),
                Math.max(0, n.path("num_turns").asLong()),
                "result"));
    }

    /** A 429 that claude reports in its result (without the rate-limit headers a subscription's API sends). */
    static Optional<RateLimitInfo> refusedResult(JsonNode n, Instant now) {
        if ("result".equals(n.path("type").asText())
                && n.path("api_error_status").asInt() == 429) {
            return Optional.of(new RateLimitInfo(
                    RateLimitInfo.REJECTED, OptionalDouble.empty(), Optional.empty(), "http 429", now));
        }
        return Optional.empty();
    }

    /** A stream-json {@code rate_limit_event}: {@code rate_limit_info} {status, utilization, resetsAt (epoch seconds), rateLimitType}. */
    static Optional<RateLimitInfo> rateLimit(JsonNode n, Instant now) {
        if (!"rate_limit_event".equals(n.path("type").asText())) {
            return Optional.empty();
        }
        JsonNode i = n.path("rate_limit_info");
        String status = i.path("status").asText("");
        if (!status.equals(RateLimitInfo.ALLOWED)
                && !status.equals(RateLimitInfo.WARNING)
                && !status.equals(RateLimitInfo.REJECTED)) {
            return Optional.empty();
        }
        JsonNode util = i.path("utilization");
        JsonNode reset = i.path("resetsAt");
        Optional<Instant> resets = reset.isNumber() && reset.asLong() > 0 && reset.asLong() < 1L << 40
                ? Optional.of(Instant.ofEpochSecond(reset.asLong()))
                : Optional.empty();
        return Optional.of(new RateLimitInfo(
                status,
                util.isNumber() ? OptionalDouble.of(util.asDouble()) : OptionalDouble.empty(),
                resets,
                text(i.path("rateLimitType")),
                now));
    }

    /** An assistant entry of a transcript, or of stream-json output: its message id, model and usage. */
    record Message(
            String id,
            String model,
            long input,
            long output,
            long cacheRead,
            long cacheCreation,
            boolean rateLimited) {}

    static Optional<Message> assistant(JsonNode n) {
        if (!"assistant".equals(n.path("type").asText())) {
            return Optional.empty();
        }
        JsonNode m = n.path("message");
        JsonNode u = m.path("usage");
        return Optional.of(new Message(
                text(m.path("id")),
                text(m.path("model")),
                count(u, "input_tokens"),
                count(u, "output_tokens"),
                count(u, "cache_read_input_tokens"),
                count(u, "cache_creation_input_tokens"),
                n.path("apiErrorStatus").asInt() == 429
                        || "rate_limit".equals(n.path("error").asText())));
    }

    private static long count(JsonNode usage, String field) {
        JsonNode v = usage.path(field);
        return v.isIntegralNumber() && v.asLong() > 0 ? v.asLong() : 0;
    }

    private static String text(JsonNode v) {
        String s = v.isTextual() ? v.asText() : "";
        return s.length() > 200 ? s.substring(0, 200) : s;
    }

    private static String firstKey(JsonNode o) {
        Iterator<String> names = o.isObject() ? o.fieldNames() : java.util.Collections.emptyIterator();
        return names.hasNext() ? text(JSON.getNodeFactory().textNode(names.next())) : "";
    }
}
