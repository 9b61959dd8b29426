package dev.claudebridge.it;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A local stand-in for the Anthropic Messages API, so the real Claude Code CLI can get a reply without
 * the internet: every {@code POST /v1/messages} is answered with {@link #REPLY}, streamed as server-sent
 * events in the API's format when the request asks for a stream. Everything else gets a harmless answer.
 * Listens on 127.0.0.1 only; every request is logged to stdout and kept for assertions.
 */
final class MessagesStandIn implements AutoCloseable {
    static final String REPLY = "Hello from the stand-in";
    private static final Pattern MODEL = Pattern.compile("\"model\"\\s*:\\s*\"([^\"]*)\"");
    private static final Pattern STREAM = Pattern.compile("\"stream\"\\s*:\\s*true");

    /** One request as received; {@code apiKey} is its x-api-key header, empty when absent. */
    record Received(String method, String path, String apiKey, String body) {
    }

    private final HttpServer server;
    private final List<Received> received = new CopyOnWriteArrayList<>();

    MessagesStandIn() {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", this::handle);
        server.start();
    }

    /** The base URL to give the CLI as ANTHROPIC_BASE_URL. */
    String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    List<Received> received() {
        return List.copyOf(received);
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            String path = ex.getRequestURI().getPath();
            String key = ex.getRequestHeaders().getFirst("x-api-key");
            received.add(new Received(ex.getRequestMethod(), ex.getRequestURI().toString(), key == null ? "" : key, body));
            System.out.println("stand-in: " + ex.getRequestMethod() + " " + ex.getRequestURI() + " (" + body.length() + " bytes)");
            if (ex.getRequestMethod().equals("POST") && path.equals("/v1/messages")) {
                Matcher m = MODEL.matcher(body);
                String model = m.find() ? m.group(1) : "claude-stand-in";
                if (STREAM.matcher(body).find()) {
                    stream(ex, model);
                } else {
                    json(ex, 200, message(model, "[{\"type\":\"text\",\"text\":\"" + REPLY + "\"}]", "\"end_turn\"", 5));
                }
            } else if (ex.getRequestMethod().equals("POST") && path.equals("/v1/messages/count_tokens")) {
                json(ex, 200, "{\"input_tokens\":10}");
            } else if (ex.getRequestMethod().equals("HEAD")) {
                ex.sendResponseHeaders(200, -1); // a connectivity check
            } else {
                json(ex, 404, "{\"type\":\"error\",\"error\":{\"type\":\"not_found_error\",\"message\":\"not in the stand-in\"}}");
            }
        }
    }

    /** The Messages streaming format: one text block, delivered as events flushed one by one. */
    private static void stream(HttpExchange ex, String model) throws IOException {
        ex.getResponseHeaders().set("Content-Type", "text/event-stream");
        ex.getResponseHeaders().set("Cache-Control", "no-cache");
        ex.sendResponseHeaders(200, 0); // chunked, as the real API streams
        OutputStream out = ex.getResponseBody();
        event(out, "message_start", "{\"type\":\"message_start\",\"message\":" + message(model, "[]", "null", 1) + "}");
        event(out, "content_block_start", "{\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}");
        event(out, "ping", "{\"type\":\"ping\"}");
        event(out, "content_block_delta", "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"" + REPLY + "\"}}");
        event(out, "content_block_stop", "{\"type\":\"content_block_stop\",\"index\":0}");
        event(out, "message_delta", "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\",\"stop_sequence\":null},\"usage\":{\"output_tokens\":5}}");
        event(out, "message_stop", "{\"type\":\"message_stop\"}");
    }

    private static String message(String model, String content, String stopReason, int outputTokens) {
        return "{\"id\":\"msg_standin\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"" + model + "\",\"content\":" + content
                + ",\"stop_reason\":" + stopReason + ",\"stop_sequence\":null,\"usage\":{\"input_tokens\":10,\"output_tokens\":" + outputTokens + "}}";
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
