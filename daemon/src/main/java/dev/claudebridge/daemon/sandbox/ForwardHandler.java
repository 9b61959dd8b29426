package dev.claudebridge.daemon.sandbox;

import java.util.Optional;
import java.util.function.Function;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.http.HttpURI;
import org.eclipse.jetty.proxy.ProxyHandler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Jetty's forward proxy for plain-HTTP requests ({@code GET http://host:port/path}, what tools send to
 * an {@code http_proxy} for an {@code http://} URL) with the run's allow-list in front; its HTTP client
 * resolves through {@link AddressPolicy}, so a name cannot lead it to the host's own addresses either.
 * Nothing about the daemon is added to the request (no {@code Via}, no {@code Forwarded}).
 */
final class ForwardHandler extends ProxyHandler.Forward {
    private final Function<Request, Optional<NetworkGrant>> runs;
    private final AddressPolicy addresses;

    ForwardHandler(Function<Request, Optional<NetworkGrant>> runs, AddressPolicy addresses) {
        this.runs = runs;
        this.addresses = addresses;
        setUseServerThreadPool(true);
    }

    @Override
    protected void configureHttpClient(HttpClient client) {
        super.configureHttpClient(client);
        client.setSocketAddressResolver(addresses);
        client.setIdleTimeout(NetworkProxy.IDLE.toMillis());
        client.setConnectTimeout(15_000);
        client.setUserAgentField(null); // the tool's own User-Agent is forwarded; none is added
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        Optional<NetworkGrant> run = runs.apply(request);
        if (run.isEmpty()) {
            PlainReply.write(response, callback, HttpStatus.FORBIDDEN_403, "this run has ended");
            return true;
        }
        HttpURI uri = request.getHttpURI();
        String scheme = uri.getScheme();
        if (!uri.isAbsolute() || uri.getHost() == null || !("http".equals(scheme) || "https".equals(scheme))) {
            PlainReply.write(
                    response,
                    callback,
                    HttpStatus.BAD_REQUEST_400,
                    "this is a proxy: send CONNECT HOST:PORT, or a request for an absolute http:// URL");
            return true;
        }
        Destination d;
        try {
            d = Destination.of(uri.getHost(), uri.getPort() > 0 ? uri.getPort() : "https".equals(scheme) ? 443 : 80);
            run.get().check(d);
        } catch (NetworkRefusal e) {
            run.get().refused(request.getMethod() + " " + scheme + "://" + uri.getAuthority(), e.getMessage());
            PlainReply.write(response, callback, HttpStatus.FORBIDDEN_403, e.getMessage());
            return true;
        }
        request.setAttribute(Destination.class.getName(), d);
        run.get().opened(request.getMethod() + " to", d);
        return super.handle(request, response, callback);
    }

    /** No Via or Forwarded: they would name the daemon's host and socket. */
    @Override
    protected void addProxyHeaders(Request request, org.eclipse.jetty.client.Request upstream) {}

    @Override
    protected void onServerToProxyResponseFailure(
            Request request,
            org.eclipse.jetty.client.Request upstream,
            org.eclipse.jetty.client.Response upstreamResponse,
            Response response,
            Callback callback,
            Throwable failure) {
        if (response.isCommitted()) {
            super.onServerToProxyResponseFailure(request, upstream, upstreamResponse, response, callback, failure);
            return;
        }
        response.reset();
        Destination d = (Destination) request.getAttribute(Destination.class.getName());
        Optional<NetworkGrant> run = runs.apply(request);
        Throwable refusal = failure;
        while (refusal != null && !(refusal instanceof NetworkRefusal)) {
            refusal = refusal.getCause();
        }
        if (refusal != null) {
            String reason = refusal.getMessage();
            run.ifPresent(r -> r.refused(request.getMethod() + " " + d, reason));
            PlainReply.write(response, callback, HttpStatus.FORBIDDEN_403, reason);
            return;
        }
        String reason = "cannot reach " + d + ": " + PlainReply.describe(failure);
        run.ifPresent(r -> r.failed(request.getMethod() + " " + d, reason));
        PlainReply.write(response, callback, HttpStatus.BAD_GATEWAY_502, reason);
    }
}
