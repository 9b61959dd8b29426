package dev.claudebridge.daemon.admin;

import com.fasterxml.jackson.databind.JsonNode;
import dev.claudebridge.daemon.session.Operator;
import dev.claudebridge.daemon.session.SessionEngine;
import java.io.IOException;
import java.net.URI;
import java.net.UnixDomainSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operator's actions: {@code POST /api/requests/ID/end}, {@code POST /api/drain} and {@code POST
 * /api/resume}, and {@code POST /api/operator}, which only checks the proof. Each must be a POST with no foreign {@code Origin} (a page elsewhere in the operator's
 * browser cannot send one: a cross-site form or fetch carries its own origin) and must carry the
 * operator token as {@code Authorization: Bearer} (which a browser never adds by itself, unlike a
 * cookie); on the owner-only admin socket the connection itself is the proof. The body may name the
 * operator: {@code {"operator": "alice"}}.
 */
final class ActionHandler {
    private static final Logger LOG = LoggerFactory.getLogger(ActionHandler.class);
    private static final Pattern END = Pattern.compile("/api/requests/([A-Za-z0-9_-]{1,64})/end");
    private static final long MAX_BODY = 4096;
    private static final String JSON = "application/json";

    private final OperatorControl control;
    private final Optional<OperatorToken> token;

    ActionHandler(OperatorControl control, Optional<OperatorToken> token) {
        this.control = control;
        this.token = token;
    }

    /** Whether {@code path} is an action's (then {@link #handle} answers it, whatever the method). */
    static boolean isAction(String path) {
        return path.equals("/api/drain")
                || path.equals("/api/resume")
                || path.equals("/api/operator")
                || (path.startsWith("/api/requests/") && path.endsWith("/end"));
    }

    void handle(Request request, Response response, Callback callback, String path) {
        if (!HttpMethod.POST.is(request.getMethod())) {
            response.getHeaders().put(HttpHeader.ALLOW, "POST");
            reply(request, response, callback, 405, false, "this action takes POST only");
            return;
        }
        Optional<String> foreign = foreignOrigin(request);
        if (foreign.isPresent()) {
            LOG.warn("refused an admin action from another origin ({}) for {}", foreign.get(), path);
            reply(request, response, callback, 403, false, "refused: the request came from another origin");
            return;
        }
        Optional<String> auth = authenticate(request);
        if (auth.isEmpty()) {
            LOG.warn("refused an unauthenticated admin action {} from {}", path, Request.getRemoteAddr(request));
            response.getHeaders().put(HttpHeader.WWW_AUTHENTICATE, "Bearer realm=\"claude-bridge admin\"");
            reply(
                    request,
                    response,
                    callback,
                    401,
                    false,
                    request.getHeaders().get(HttpHeader.AUTHORIZATION) != null
                            ? "refused: wrong operator token"
                            : token.isPresent()
                                    ? "refused: this action needs the operator token (Authorization: Bearer, from "
                                            + token.get().file() + ")"
                                    : "refused: actions need the admin socket; this daemon has no operator token");
            return;
        }
        long length = request.getLength();
        if (length > MAX_BODY) {
            reply(request, response, callback, 413, false, "the body is limited to " + MAX_BODY + " bytes");
            return;
        }
        Operator by;
        try {
            by = new Operator(
                    operatorName(length == 0 ? "" : Content.Source.asString(request, StandardCharsets.UTF_8)),
                    auth.get(),
                    from(request));
        } catch (IOException | IllegalArgumentException e) {
            reply(request, response, callback, 400, false, "the body must be JSON such as {\"operator\":\"alice\"}");
            return;
        }
        act(request, response, callback, path, by);
    }

    private void act(Request request, Response response, Callback callback, String path, Operator by) {
        if (path.equals("/api/operator")) { // lets the dashboard check a token before it shows its controls
            reply(request, response, callback, 200, true, "operator " + by.name() + " (" + by.auth() + ")");
            return;
        }
        if (path.equals("/api/drain") || path.equals("/api/resume")) {
            boolean on = path.equals("/api/drain");
            control.drain(on, by);
            LOG.info("{} by {}", on ? "draining" : "resuming", by);
            reply(
                    request,
                    response,
                    callback,
                    200,
                    true,
                    on
                            ? "draining: running and queued requests finish, new ones are refused"
                            : "resumed: new requests are accepted again");
            return;
        }
        Matcher m = END.matcher(path);
        if (!m.matches()) {
            reply(request, response, callback, 404, false, "no such request id");
            return;
        }
        String id = m.group(1);
        SessionEngine.Ending e = control.end(id, by);
        switch (e) {
            case ENDED -> {
                LOG.info("id={} ended by {}", id, by);
                reply(request, response, callback, 200, true, "request " + id + " is being ended");
            }
            case NOT_RUNNING ->
                reply(
                        request,
                        response,
                        callback,
                        409,
                        false,
                        "request " + id + " has no running process (queued or starting)");
            case NOT_FOUND -> reply(request, response, callback, 404, false, "no live request " + id);
        }
    }

    /** How the caller proved itself: the owner-only admin socket, or the token; empty when it did not. */
    private Optional<String> authenticate(Request request) {
        if (request.getConnectionMetaData().getLocalSocketAddress() instanceof UnixDomainSocketAddress) {
            return Optional.of("admin-socket");
        }
        if (token.isPresent() && token.get().accepts(request.getHeaders().get(HttpHeader.AUTHORIZATION))) {
            return Optional.of("operator-token");
        }
        return Optional.empty();
    }

    /**
     * The origin a browser says the request came from, when it is not this endpoint's own. No {@code
     * Origin} (a command-line client) is fine; {@code null} (a sandboxed frame, a file) is foreign.
     */
    static Optional<String> foreignOrigin(Request request) {
        String site = request.getHeaders().get("Sec-Fetch-Site");
        if (site != null && !site.equals("same-origin") && !site.equals("none")) {
            return Optional.of("Sec-Fetch-Site: " + site);
        }
        String origin = request.getHeaders().get(HttpHeader.ORIGIN);
        if (origin == null) {
            return Optional.empty();
        }
        try {
            URI o = URI.create(origin.strip());
            var own = request.getHttpURI();
            boolean same = "http".equalsIgnoreCase(o.getScheme())
                    && o.getHost() != null
                    && stripBrackets(o.getHost()).equals(stripBrackets(own.getHost()))
                    && port(o.getPort()) == port(own.getPort());
            return same ? Optional.empty() : Optional.of(origin);
        } catch (IllegalArgumentException e) {
            return Optional.of(origin);
        }
    }

    private static String stripBrackets(String host) {
        String h = host == null ? "" : host.toLowerCase(Locale.ROOT);
        return h.startsWith("[") && h.endsWith("]") ? h.substring(1, h.length() - 1) : h;
    }

    private static int port(int p) {
        return p <= 0 ? 80 : p;
    }

    private static String operatorName(String body) throws IOException {
        if (body.isBlank()) {
            return "";
        }
        JsonNode n = StatusService.JSON.readTree(body);
        if (n == null || !n.isObject()) {
            throw new IllegalArgumentException("not an object");
        }
        return n.path("operator").asText("");
    }

    private static String from(Request request) {
        if (request.getConnectionMetaData().getLocalSocketAddress() instanceof UnixDomainSocketAddress u) {
            return "unix:" + u.getPath();
        }
        return Request.getRemoteAddr(request) + ":" + Request.getRemotePort(request);
    }

    private static void reply(
            Request request, Response response, Callback callback, int code, boolean ok, String message) {
        byte[] body;
        try {
            body = StatusService.JSON.writeValueAsBytes(Map.of("ok", ok, "message", message));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        response.setStatus(code);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, JSON);
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
        response.write(true, java.nio.ByteBuffer.wrap(body), callback);
    }
}
