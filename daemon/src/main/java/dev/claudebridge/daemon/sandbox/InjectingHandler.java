package dev.claudebridge.daemon.sandbox;

import java.net.URI;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.Result;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.http.HttpURI;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.proxy.ProxyHandler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Jetty's reverse proxy with a gate in front and the credential swapped in: a request is forwarded only
 * when it carries a live grant's placeholder, to the same path and query under the one upstream, with
 * the caller's credential headers replaced by the real credential. Bodies stream both ways chunk by
 * chunk (Jetty's proxy never buffers a whole body), so server-sent events arrive as they are sent.
 */
final class InjectingHandler extends ProxyHandler.Reverse {
    private static final Logger LOG = LoggerFactory.getLogger(InjectingHandler.class);
    private static final String GRANT = InjectingHandler.class.getName() + ".grant";
    private static final String CREDENTIAL = InjectingHandler.class.getName() + ".credential";

    private final Grants grants;
    private final CredentialSource credentials;
    private final long idleMillis;

    InjectingHandler(URI upstream, Grants grants, CredentialSource credentials, long idleMillis) {
        super(request -> rewrite(upstream, request));
        this.grants = grants;
        this.credentials = credentials;
        this.idleMillis = idleMillis;
        setProxyToServerHost(upstream.getRawAuthority());
        setUseServerThreadPool(true);
    }

    /** The upstream's base, then the request's path and query exactly as sent (never its authority). */
    private static HttpURI rewrite(URI upstream, Request request) {
        String base = upstream.toString();
        if (base.endsWith("/")) {
            base = base.substring(0, base.length() - 1);
        }
        return HttpURI.build(base + request.getHttpURI().getPathQuery());
    }

    @Override
    protected void configureHttpClient(HttpClient client) {
        super.configureHttpClient(client);
        client.setIdleTimeout(idleMillis);
        client.setConnectTimeout(15_000);
        client.setMaxConnectionsPerDestination(256);
        client.setUserAgentField(null); // claude's own User-Agent is forwarded; none is added
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        String path = request.getHttpURI().getPath();
        if (HttpMethod.CONNECT.is(request.getMethod()) || path == null || !path.startsWith("/")) {
            ApiError.write(
                    response,
                    callback,
                    HttpStatus.BAD_REQUEST_400,
                    "invalid_request_error",
                    "claude-bridge forwards API requests only");
            return true;
        }
        Grant grant;
        try {
            grant = grants.admit(request.getHeaders());
        } catch (Grants.Refused refused) {
            LOG.warn("refused {} {}: {}", request.getMethod(), path, refused.getMessage());
            ApiError.write(
                    response,
                    callback,
                    HttpStatus.UNAUTHORIZED_401,
                    "authentication_error",
                    "claude-bridge: this request carries " + refused.getMessage()
                            + "; only the claude the bridge started, during its request, may use this socket");
            return true;
        }
        Credential credential;
        try {
            credential = credentials.current();
        } catch (CredentialException e) {
            LOG.warn("{}: cannot forward {} {}: {}", grant, request.getMethod(), path, e.getMessage());
            grant.status(HttpStatus.UNAUTHORIZED_401);
            ApiError.write(
                    response,
                    callback,
                    HttpStatus.UNAUTHORIZED_401,
                    "authentication_error",
                    "claude-bridge has no API credential to send; the daemon's log says why");
            return true;
        }
        request.setAttribute(GRANT, grant);
        request.setAttribute(CREDENTIAL, credential);
        grant.forwarded();
        return super.handle(request, response, callback);
    }

    @Override
    protected void copyRequestHeaders(Request request, org.eclipse.jetty.client.Request upstream) {
        super.copyRequestHeaders(request, upstream);
        Credential credential = (Credential) request.getAttribute(CREDENTIAL);
        upstream.headers(headers -> CredentialHeaders.replace(headers, credential));
    }

    /** No Via or Forwarded: the API has no use for the host's name or the socket's address. */
    @Override
    protected void addProxyHeaders(Request request, org.eclipse.jetty.client.Request upstream) {}

    @Override
    protected org.eclipse.jetty.client.Request.Content newProxyToServerRequestContent(
            Request request, Response response, org.eclipse.jetty.client.Request upstream) {
        Grant grant = grant(request);
        return new ProxyRequestContent(request) {
            @Override
            public Content.Chunk read() {
                Content.Chunk chunk = super.read();
                if (chunk != null) {
                    grant.sent(chunk.remaining());
                }
                return chunk;
            }
        };
    }

    @Override
    protected org.eclipse.jetty.client.Response.CompleteListener newServerToProxyResponseListener(
            Request request, org.eclipse.jetty.client.Request upstream, Response response, Callback callback) {
        Grant grant = grant(request);
        return new ProxyResponseListener(request, upstream, response, callback) {
            @Override
            public void onBegin(org.eclipse.jetty.client.Response upstreamResponse) {
                grant.status(upstreamResponse.getStatus());
                super.onBegin(upstreamResponse);
            }

            @Override
            public void onContent(
                    org.eclipse.jetty.client.Response upstreamResponse, Content.Chunk chunk, Runnable demand) {
                grant.received(chunk.remaining());
                super.onContent(upstreamResponse, chunk, demand);
            }

            @Override
            public void onComplete(Result result) {
                if (LOG.isDebugEnabled()) {
                    LOG.debug(
                            "{}: {} {} -> {}",
                            grant,
                            request.getMethod(),
                            request.getHttpURI().getPath(),
                            result.getResponse().getStatus());
                }
                super.onComplete(result);
            }
        };
    }

    @Override
    protected void onServerToProxyResponseFailure(
            Request request,
            org.eclipse.jetty.client.Request upstream,
            org.eclipse.jetty.client.Response upstreamResponse,
            Response response,
            Callback callback,
            Throwable failure) {
        Grant grant = grant(request);
        LOG.warn(
                "{}: {} {} failed upstream: {}",
                grant,
                request.getMethod(),
                request.getHttpURI().getPath(),
                failure.toString());
        if (response.isCommitted()) {
            super.onServerToProxyResponseFailure(request, upstream, upstreamResponse, response, callback, failure);
            return;
        }
        response.reset(); // drop whatever upstream's headers were copied before it failed
        int status = failure instanceof TimeoutException ? HttpStatus.GATEWAY_TIMEOUT_504 : HttpStatus.BAD_GATEWAY_502;
        grant.status(status);
        ApiError.write(
                response,
                callback,
                status,
                "api_error",
                "claude-bridge could not reach the API: " + failure.getClass().getSimpleName()
                        + (failure.getMessage() == null ? "" : " (" + failure.getMessage() + ")"));
    }

    private static Grant grant(Request request) {
        return (Grant) request.getAttribute(GRANT);
    }
}
