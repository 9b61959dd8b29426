package dev.claudebridge.it;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A local stand-in for the Anthropic Messages API, so the real Claude Code CLI can get a reply without
 * the internet. Listens on 127.0.0.1 unless told otherwise; every request is logged to stdout and kept for assertions.
 *
 * <p>Each {@code POST /v1/messages} of the agent loop (a request that offers tools) takes the next
 * scripted {@link Turn} ({@link #script}); when the script is used up, and for claude's side requests
 * (titles, quota checks: no tools offered), the answer is {@link #REPLY}. A turn is text or a tool call,
 * streamed as server-sent events in the API's format when the request asks for a stream. Everything
 * else gets a harmless answer.
 */
final class MessagesStandIn implements AutoCloseable {
    static final String REPLY = "Hello from the stand-in";
    private static final Pattern MODEL = Pattern.compile("\"model\"\\s*:\\s*\"([^\"]*)\"");
    private static final Pattern STREAM = Pattern.compile("\"stream\"\\s*:\\s*true");
    private static final Pattern TOOLS = Pattern.compile("\"tools\"\\s*:\\s*\\[\\s*\\{");
    private static final int DELTA = 16 * 1024; // text is streamed in deltas of this many characters

    /**
     * One request as received; {@code apiKey} is its x-api-key header, empty when absent; {@code headers}
     * has every header, names lower-cased.
     */
    record Received(
            String method,
            String path,
            String apiKey,
            String authorization,
            String body,
            Map<String, List<String>> headers) {
        /** Whether this was a request of the agent loop (it offered tools), not a side request. */
        boolean agentLoop() {
            return TOOLS.matcher(body).find();
        }
    }

    /** One scripted answer of the model. */
    sealed interface Turn {
        /** A text answer that ends the turn. */
        static Turn text(String text) {
            return new Text(text);
        }

        /** A call of one of claude's tools, e.g. {@code toolUse("Bash", "{\"command\":\"pwd\"}")}; input is JSON. */
        static Turn toolUse(String name, String inputJson) {
            return new ToolUse(name, inputJson);
        }
    }

    record Text(String text) implements Turn {}

    record ToolUse(String name, String inputJson) implements Turn {}

    /** Token counts the stand-in reports for each agent-loop answer (side requests then report none). */
    record Usage(long input, long output, long cacheRead, long cacheCreation) {
        String json(long outputTokens) {
            return "{\"input_tokens\":" + input + ",\"output_tokens\":" + outputTokens + ",\"cache_read_input_tokens\":"
                    + cacheRead + ",\"cache_creation_input_tokens\":" + cacheCreation + "}";
        }
    }

    /** An answer the API refuses: this status, with these headers (e.g. {@code anthropic-ratelimit-unified-*}). */
    record Refusal(int status, Map<String, String> headers) {}

    private final HttpServer server;
    private volatile Usage usage;
    private volatile Map<String, String> extraHeaders = Map.of();
    private final Deque<Refusal> refusals = new ArrayDeque<>();
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final Deque<Turn> script = new ArrayDeque<>();
    private int toolIds;

    MessagesStandIn() {
        this(InetAddress.getLoopbackAddress());
    }

    /** Listening on another local address, e.g. the gateway of a Docker network a test made, for a claude in a container. */
    MessagesStandIn(InetAddress address) {
        try {
            server = HttpServer.create(new InetSocketAddress(address, 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", this::handle);
        server.start();
    }

    /** The base URL to give the CLI as ANTHROPIC_BASE_URL. */
    String baseUrl() {
        return "http://" + server.getAddress().getAddress().getHostAddress() + ":"
                + server.getAddress().getPort();
    }

    /**
     * The environment of a daemon whose claude talks to this stand-in only, with {@code key} as its API key
     * and {@code home} as its HOME; no updater, telemetry or other traffic.
     */
    Map<String, String> daemonEnv(java.nio.file.Path home, String key) {
        return Map.of(
                "HOME",
                home.toString(),
                "ANTHROPIC_BASE_URL",
                baseUrl(),
                "ANTHROPIC_API_KEY",
                key,
                "DISABLE_AUTOUPDATER",
                "1",
                "DISABLE_TELEMETRY",
                "1",
                "CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC",
                "1");
    }

    /** Replaces the script: the next agent-loop requests are answered with these turns, in order. */
    synchronized MessagesStandIn script(Turn... turns) {
        script.clear();
        script.addAll(List.of(turns));
        return this;
    }

    /**
     * What the real CLI needs to talk to this stand-in: a HOME, the base URL, an API key, and nothing
     * that would reach the network otherwise (updates, telemetry, other traffic).
     */
    Map<String, String> cliEnv(Path home, String apiKey) {
        return Map.of(
                "HOME",
                home.toString(),
                "ANTHROPIC_BASE_URL",
                baseUrl(),
                "ANTHROPIC_API_KEY",
                apiKey,
                "DISABLE_AUTOUPDATER",
                "1",
                "DISABLE_TELEMETRY",
                "1",
                "CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC",
                "1");
    }

    /** Reports these token counts for each agent-loop answer from now on, and none for side requests. */
    MessagesStandIn usage(Usage u) {
        this.usage = u;
        return this;
    }

    /** Sends these headers with every answer of /v1/messages from now on (rate-limit state, e.g.). */
    MessagesStandIn headers(Map<String, String> headers) {
        this.extraHeaders = Map.copyOf(headers);
        return this;
    }

    /** The next agent-loop requests are refused with these answers, in order. */
    synchronized MessagesStandIn refuse(Refusal... answers) {
        refusals.addAll(List.of(answers));
        return this;
    }

    private synchronized Refusal nextRefusal(boolean agentLoop) {
        return agentLoop ? refusals.poll() : null;
    }

    List<Received> received() {
        return List.copyOf(received);
    }

    /** The bodies of the agent-loop requests received so far (tool results come back in them). */
    List<String> agentLoopBodies() {
        return received.stream().filter(Received::agentLoop).map(Received::body).toList();
    }

    private synchronized Turn next(boolean agentLoop) {
        Turn t = agentLoop ? script.poll() : null;
        return t == null ? Turn.text(REPLY) : t;
    }

    private synchronized String nextToolId() {
        return "toolu_standin_" + (++toolIds);
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            String path = ex.getRequestURI().getPath();
            String key = ex.getRequestHeaders().getFirst("x-api-key");
            String auth = ex.getRequestHeaders().getFirst("Authorization");
            Received r = new Received(
                    ex.getRequestMethod(),
                    ex.getRequestURI().toString(),
                    key == null ? "" : key,
                    auth == null ? "" : auth,
                    body,
                    headers(ex));
            received.add(r);
            System.out.println(
                    "stand-in: " + ex.getRequestMethod() + " " + ex.getRequestURI() + " (" + body.length() + " bytes)");
            if (ex.getRequestMethod().equals("POST") && path.equals("/v1/messages")) {
                Matcher m = MODEL.matcher(body);
                String model = m.find() ? m.group(1) : "claude-stand-in";
                extraHeaders.forEach((k, v) -> ex.getResponseHeaders().set(k, v));
                Refusal refused = nextRefusal(r.agentLoop());
                if (refused != null) {
                    refused.headers().forEach((k, v) -> ex.getResponseHeaders().set(k, v));
                    json(
                            ex,
                            refused.status(),
                            "{\"type\":\"error\",\"error\":{\"type\":\"rate_limit_error\",\"message\":\"stand-in refusal\"}}");
                    return;
                }
                Turn turn = next(r.agentLoop());
                Usage u = usage == null ? null : r.agentLoop() ? usage : new Usage(0, 0, 0, 0);
                if (STREAM.matcher(body).find()) {
                    stream(ex, model, turn, u);
                } else {
                    json(ex, 200, message(model, "[" + block(turn, true) + "]", stopReason(turn), 5, u));
                }
            } else if (ex.getRequestMethod().equals("POST") && path.equals("/v1/messages/count_tokens")) {
                json(ex, 200, "{\"input_tokens\":10}");
            } else if (ex.getRequestMethod().equals("HEAD")) {
                ex.sendResponseHeaders(200, -1); // a connectivity check
            } else {
                json(
                        ex,
                        404,
                        "{\"type\":\"error\",\"error\":{\"type\":\"not_found_error\",\"message\":\"not in the stand-in\"}}");
            }
        } catch (IOException e) {
            System.out.println("stand-in: " + e); // the CLI hung up mid-answer (an aborted request)
        }
    }

    private static Map<String, List<String>> headers(HttpExchange ex) {
        Map<String, List<String>> headers = new TreeMap<>();
        ex.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), List.copyOf(v)));
        return headers;
    }

    private String block(Turn turn, boolean whole) {
        return switch (turn) {
            case Text t -> "{\"type\":\"text\",\"text\":\"" + (whole ? escape(t.text()) : "") + "\"}";
            case ToolUse u ->
                "{\"type\":\"tool_use\",\"id\":\"" + nextToolId() + "\",\"name\":\"" + escape(u.name())
                        + "\",\"input\":" + (whole ? u.inputJson() : "{}") + "}";
        };
    }

    private static String stopReason(Turn turn) {
        return turn instanceof ToolUse ? "\"tool_use\"" : "\"end_turn\"";
    }

    /** The Messages streaming format: one content block, delivered as events flushed one by one. */
    private void stream(HttpExchange ex, String model, Turn turn, Usage usage) throws IOException {
        ex.getResponseHeaders().set("Content-Type", "text/event-stream");
        ex.getResponseHeaders().set("Cache-Control", "no-cache");
        ex.sendResponseHeaders(200, 0); // chunked, as the real API streams
        OutputStream out = ex.getResponseBody();
        event(
                out,
                "message_start",
                "{\"type\":\"message_start\",\"message\":" + message(model, "[]", "null", 1, usage) + "}");
        event(
                out,
                "content_block_start",
                "{\"type\":\"content_block_start\",\"index\":0,\"content_block\":" + block(turn, false) + "}");
        event(out, "ping", "{\"type\":\"ping\"}");
        switch (turn) {
            case Text t -> {
                String text = t.text();
                for (int i = 0; i < text.length(); ) {
                    int end = Math.min(text.length(), i + DELTA);
                    if (end < text.length() && Character.isHighSurrogate(text.charAt(end - 1))) {
                        end--;
                    }
                    event(
                            out,
                            "content_block_delta",
                            "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\""
                                    + escape(text.substring(i, end)) + "\"}}");
                    i = end;
                }
            }
            case ToolUse u ->
                event(
                        out,
                        "content_block_delta",
                        "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":"
                                + "{\"type\":\"input_json_delta\",\"partial_json\":\"" + escape(u.inputJson())
                                + "\"}}");
        }
        event(out, "content_block_stop", "{\"type\":\"content_block_stop\",\"index\":0}");
        event(
                out,
                "message_delta",
                "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":" + stopReason(turn)
                        + ",\"stop_sequence\":null},\"usage\":{\"output_tokens\":"
                        + (usage == null ? 5 : usage.output())
                        + "}}");
        event(out, "message_stop", "{\"type\":\"message_stop\"}");
    }

    private final java.util.concurrent.atomic.AtomicLong messageIds = new java.util.concurrent.atomic.AtomicLong();

    private String message(String model, String content, String stopReason, int outputTokens, Usage u) {
        String usageJson = u == null
                ? "{\"input_tokens\":10,\"output_tokens\":" + outputTokens + "}"
                : u.json(outputTokens == 1 ? 1 : u.output());
        return "{\"id\":\"msg_standin_" + messageIds.incrementAndGet()
                + "\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"" + model + "\",\"content\":"
                + content + ",\"stop_reason\":" + stopReason + ",\"stop_sequence\":null,\"usage\":" + usageJson
                + "}";
    }

    /** A JSON string's contents. */
    static String escape(String s) {
        StringBuilder b = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.toString();
    }

    private static void event(OutputStream out, String name, String data) throws IOException {
        out.write(("event: " + name + "\ndata: " + data + "\n\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    private static void json(HttpExchange ex, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(status, bytes.length);
        ex.getResponseBody().write(bytes);
    }

    @Override
    public void close() {
        server.stop(0);
        ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    }
}
