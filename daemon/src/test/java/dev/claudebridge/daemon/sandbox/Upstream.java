package dev.claudebridge.daemon.sandbox;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A stand-in for the API on loopback that records every request it gets. {@code /v1/messages} streams
 * two server-sent events and holds the second back until {@link #release()}; {@code /v1/echo} answers
 * with {@link #ECHO}; anything else is a 404 in the API's error format.
 */
final class Upstream implements AutoCloseable {
    static final String ECHO = "{\"echo\":\"" + "x".repeat(3000) + "\"}";
    static final String FIRST = "event: message_start\ndata: {\"type\":\"message_start\"}\n\n";
    static final String LAST = "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n";
    static final String NOT_FOUND = "{\"type\":\"error\",\"error\":{\"type\":\"not_found_error\",\"message\":\"no\"}}";

    /** One request as received; header names lower-cased. */
    record Seen(String method, String target, Map<String, List<String>> headers, byte[] body) {
        String header(String name) {
            List<String> values = headers.get(name);
            return values == null ? null : String.join(",", values);
        }
    }

    private final HttpServer server;
    private final List<Seen> seen = new CopyOnWriteArrayList<>();
    private final CountDownLatch release = new CountDownLatch(1);
    private volatile boolean finished;
    private boolean closed;

    Upstream() {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", this::handle);
        server.start();
    }

    URI uri() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    List<Seen> seen() {
        return List.copyOf(seen);
    }

    /** Lets a held-back stream finish. */
    void release() {
        release.countDown();
    }

    /** Whether a stream has been finished (its last event written). */
    boolean finished() {
        return finished;
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            byte[] body = ex.getRequestBody().readAllBytes();
            Map<String, List<String>> headers = new TreeMap<>();
            ex.getRequestHeaders()
                    .forEach((k, v) -> headers.computeIfAbsent(k.toLowerCase(Locale.ROOT), x -> new ArrayList<>())
                            .addAll(v));
            seen.add(new Seen(ex.getRequestMethod(), ex.getRequestURI().toString(), headers, body));
            switch (ex.getRequestURI().getPath()) {
                case "/v1/messages" -> stream(ex);
                case "/v1/echo" -> answer(ex, 200, ECHO);
                default -> answer(ex, 404, NOT_FOUND);
            }
        }
    }

    private void stream(HttpExchange ex) throws IOException {
        ex.getResponseHeaders().set("Content-Type", "text/event-stream");
        ex.sendResponseHeaders(200, 0);
        OutputStream out = ex.getResponseBody();
        out.write(FIRST.getBytes(StandardCharsets.UTF_8));
        out.flush();
        try {
            release.await(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        out.write(LAST.getBytes(StandardCharsets.UTF_8));
        finished = true;
    }

    private static void answer(HttpExchange ex, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(status, bytes.length);
        ex.getResponseBody().write(bytes);
    }

    @Override
    public synchronized void close() {
        release();
        if (closed) {
            return;
        }
        closed = true;
        server.stop(0);
        ((ExecutorService) server.getExecutor()).shutdownNow();
    }
}
