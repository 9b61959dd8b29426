package dev.claudebridge.daemon.sandbox;

import java.net.InetSocketAddress;
import java.util.Optional;
import java.util.function.Function;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ConnectHandler;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.HostPort;

/**
 * Jetty's CONNECT tunnelling with the run's allow-list in front: a CONNECT to a destination the list
 * names is tunnelled to the address {@link AddressPolicy} resolved it to; any other gets a 403 with the
 * reason in one line, and nothing is connected. Requests that are not CONNECT go on to plain-HTTP
 * forwarding.
 */
final class TunnelHandler extends ConnectHandler {
    private final Function<Request, Optional<NetworkGrant>> runs;
    private final AddressPolicy addresses;

    TunnelHandler(Handler forwarding, Function<Request, Optional<NetworkGrant>> runs, AddressPolicy addresses) {
        super(forwarding);
        this.runs = runs;
        this.addresses = addresses;
        setConnectTimeout(15_000);
        setIdleTimeout(NetworkProxy.IDLE.toMillis());
        setBufferSize(64 * 1024);
    }

    @Override
    protected void handleConnect(Request request, Response response, Callback callback, String authority) {
        Optional<NetworkGrant> run = runs.apply(request);
        if (run.isEmpty()) {
            PlainReply.write(response, callback, HttpStatus.FORBIDDEN_403, "this run has ended");
            return;
        }
        Destination d;
        try {
            HostPort hp = new HostPort(authority);
            d = Destination.of(hp.getHost(), hp.hasPort() ? hp.getPort() : 0);
            run.get().check(d);
        } catch (NetworkRefusal | IllegalArgumentException e) {
            String reason = e instanceof NetworkRefusal ? e.getMessage() : "'" + authority + "' is not HOST:PORT";
            run.get().refused("CONNECT " + authority, reason);
            PlainReply.write(response, callback, HttpStatus.FORBIDDEN_403, reason);
            return;
        }
        request.setAttribute(Destination.class.getName(), d);
        super.handleConnect(request, response, callback, authority);
    }

    /** The first address the policy leaves; a refusal here reaches {@link #onConnectFailure}. */
    @Override
    protected InetSocketAddress newConnectAddress(String host, int port) {
        return addresses.resolve(Destination.of(host, port)).getFirst();
    }

    @Override
    protected void onConnectSuccess(ConnectContext context, UpstreamConnection upstream) {
        Request request = context.getRequest();
        runs.apply(request).ifPresent(r -> r.opened("tunnel to", destination(request)));
        super.onConnectSuccess(context, upstream);
    }

    @Override
    protected void onConnectFailure(Request request, Response response, Callback callback, Throwable failure) {
        Destination d = destination(request);
        Optional<NetworkGrant> run = runs.apply(request);
        if (failure instanceof NetworkRefusal) {
            run.ifPresent(r -> r.refused("CONNECT " + d, failure.getMessage()));
            PlainReply.write(response, callback, HttpStatus.FORBIDDEN_403, failure.getMessage());
            return;
        }
        String reason = "cannot connect to " + d + ": " + PlainReply.describe(failure);
        run.ifPresent(r -> r.failed("CONNECT " + d, reason));
        PlainReply.write(response, callback, HttpStatus.BAD_GATEWAY_502, reason);
    }

    private static Destination destination(Request request) {
        return (Destination) request.getAttribute(Destination.class.getName());
    }
}
