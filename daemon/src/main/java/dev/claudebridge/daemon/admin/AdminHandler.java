package dev.claudebridge.daemon.admin;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * The admin routes. The views are read-only (GET and HEAD); the operator's actions are POSTs that
 * {@link ActionHandler} authenticates. When the endpoint is bound to a loopback
 * address, only loopback Host names are served: a web page elsewhere cannot use DNS rebinding to read
 * the status of the agents' requests through the user's browser.
 */
final class AdminHandler extends Handler.Abstract {
    private static final String TEXT = "text/plain;charset=utf-8";
    private static final String JSON = "application/json";
    private static final String PAGE_POLICY =
            "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
                    + "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
    private static final Map<String, String> ASSETS = Map.of(
            "/",
            "index.html",
            "/index.html",
            "index.html",
            "/dashboard.js",
            "dashboard.js",
            "/dashboard.css",
            "dashboard.css",
            "/charts.js",
            "charts.js",
            "/favicon.svg",
            "favicon.svg",
            "/favicon.ico",
            "favicon.svg");

    private final StatusService status;
    private final BridgeMetrics metrics;
    private final Readiness readiness;
    private final EventStream events;
    private final ActionHandler actions;

    AdminHandler(
            StatusService status,
            BridgeMetrics metrics,
            Readiness readiness,
            EventStream events,
            ActionHandler actions) {
        this.actions = actions;
        this.status = status;
        this.metrics = metrics;
        this.readiness = readiness;
        this.events = events;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        response.getHeaders().put("X-Content-Type-Options", "nosniff");
        if (!hostAllowed(request)) {
            Response.writeError(
                    request,
                    response,
                    callback,
                    HttpStatus.MISDIRECTED_REQUEST_421,
                    "this admin endpoint answers to localhost only");
            return true;
        }
        String path = Request.getPathInContext(request);
        if (ActionHandler.isAction(path)) {
            actions.handle(request, response, callback, path);
            return true;
        }
        String method = request.getMethod();
        if (!HttpMethod.GET.is(method) && !HttpMethod.HEAD.is(method)) {
            response.getHeaders().put(HttpHeader.ALLOW, "GET, HEAD");
            Response.writeError(request, response, callback, HttpStatus.METHOD_NOT_ALLOWED_405);
            return true;
        }
        switch (path) {
            case "/healthz" -> send(request, response, callback, 200, TEXT, "ok\n");
            case "/readyz" -> readyz(request, response, callback);
            case "/metrics" -> metrics(request, response, callback);
            case "/api/status" -> {
                response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
                send(request, response, callback, 200, JSON, status.json());
            }
            case "/api/events" -> events.stream(request, response, callback);
            default -> {
                String asset = ASSETS.get(path);
                if (asset == null) {
                    Response.writeError(request, response, callback, HttpStatus.NOT_FOUND_404);
                } else {
                    asset(request, response, callback, asset);
                }
            }
        }
        return true;
    }

    private void readyz(Request request, Response response, Callback callback) {
        List<Readiness.CheckResult> checks = readiness.evaluate();
        boolean ok = Readiness.allOk(checks);
        String state = status.state();
        StringBuilder body = new StringBuilder(
                !state.equals("serving")
                        ? state + "\n" // what a probe most needs to know: it is going away, on purpose
                        : ok
                                ? "ready\n"
                                : "not ready: "
                                        + String.join(
                                                ", ",
                                                checks.stream()
                                                        .filter(c -> !c.ok())
                                                        .map(Readiness.CheckResult::name)
                                                        .toList())
                                        + "\n");
        for (Readiness.CheckResult c : checks) {
            body.append(c.ok() ? "ok   " : "FAIL ")
                    .append(c.name())
                    .append(": ")
                    .append(c.detail())
                    .append('\n');
        }
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        send(request, response, callback, ok ? 200 : 503, TEXT, body.toString());
    }

    private void metrics(Request request, Response response, Callback callback) throws IOException {
        String accept = request.getHeaders().get(HttpHeader.ACCEPT);
        ByteArrayOutputStream out = new ByteArrayOutputStream(32 * 1024);
        String type = metrics.write(accept == null ? "" : accept, out);
        send(request, response, callback, 200, type, out.toByteArray());
    }

    private void asset(Request request, Response response, Callback callback, String name) {
        byte[] body = Assets.get(name);
        if (name.endsWith(".html")) {
            response.getHeaders().put("Content-Security-Policy", PAGE_POLICY);
            response.getHeaders().put("Referrer-Policy", "no-referrer");
        }
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-cache");
        send(request, response, callback, 200, Assets.type(name), body);
    }

    private static void send(
            Request request, Response response, Callback callback, int code, String type, String body) {
        send(request, response, callback, code, type, body.getBytes(StandardCharsets.UTF_8));
    }

    private static void send(
            Request request, Response response, Callback callback, int code, String type, byte[] body) {
        response.setStatus(code);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, type);
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
        if (HttpMethod.HEAD.is(request.getMethod())) {
            response.write(true, null, callback);
        } else {
            response.write(true, ByteBuffer.wrap(body), callback);
        }
    }

    /** On a loopback-bound endpoint, the Host must name loopback too (DNS rebinding defence). */
    static boolean hostAllowed(Request request) {
        SocketAddress local = request.getConnectionMetaData().getLocalSocketAddress();
        if (!(local instanceof InetSocketAddress inet)
                || inet.getAddress() == null
                || !inet.getAddress().isLoopbackAddress()) {
            return true;
        }
        String host = request.getHttpURI().getHost();
        return host == null || isLoopbackName(host);
    }

    static boolean isLoopbackName(String host) {
        String h = host.toLowerCase(java.util.Locale.ROOT);
        if (h.startsWith("[") && h.endsWith("]")) {
            h = h.substring(1, h.length() - 1);
        }
        return h.equals("localhost")
                || h.endsWith(".localhost")
                || h.equals("::1")
                || h.matches("127\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}");
    }

    /** The dashboard's files, read once from the jar. */
    static final class Assets {
        private static final Map<String, byte[]> CACHE = new java.util.concurrent.ConcurrentHashMap<>();

        private Assets() {}

        static byte[] get(String name) {
            return CACHE.computeIfAbsent(name, n -> {
                try (InputStream in = AdminHandler.class.getResourceAsStream("/admin/" + n)) {
                    if (in == null) {
                        throw new IllegalStateException("dashboard file /admin/" + n + " is missing from the jar");
                    }
                    return in.readAllBytes();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }

        static String type(String name) {
            if (name.endsWith(".html")) {
                return "text/html;charset=utf-8";
            }
            if (name.endsWith(".js")) {
                return "text/javascript;charset=utf-8";
            }
            if (name.endsWith(".css")) {
                return "text/css;charset=utf-8";
            }
            return "image/svg+xml";
        }
    }
}
