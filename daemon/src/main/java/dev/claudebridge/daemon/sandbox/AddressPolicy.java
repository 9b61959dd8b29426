package dev.claudebridge.daemon.sandbox;

import java.io.UncheckedIOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.eclipse.jetty.util.Promise;
import org.eclipse.jetty.util.SocketAddressResolver;

/**
 * Resolves an allowed destination to the addresses the proxy connects to, once, so what is checked is
 * what is used. A name (any destination that is not {@link Destination#literal}) never reaches the
 * host's own addresses: loopback, link-local (the cloud metadata service among them), the unspecified
 * address (which Linux connects to loopback) or multicast; those addresses are dropped from its answer,
 * and a name with nothing else is refused. An entry that writes such an address itself reaches it.
 *
 * <p>Resolution blocks in the JDK's resolver; it runs on the request's virtual thread.
 */
final class AddressPolicy implements SocketAddressResolver {
    /** The name service: the JDK's in production, a table in tests. */
    interface Lookup {
        InetAddress[] all(String host) throws UnknownHostException;
    }

    private final Lookup lookup;

    AddressPolicy() {
        this(InetAddress::getAllByName);
    }

    AddressPolicy(Lookup lookup) {
        this.lookup = lookup;
    }

    /**
     * @throws NetworkRefusal when a name resolves only to the host's own addresses
     * @throws UncheckedIOException when the name does not resolve
     */
    List<InetSocketAddress> resolve(Destination d) {
        InetAddress[] all;
        try {
            all = d.literal() && !d.host().equals("localhost")
                    ? new InetAddress[] {InetAddress.ofLiteral(d.bareHost())}
                    : lookup.all(d.bareHost());
        } catch (UnknownHostException e) {
            throw new UncheckedIOException(new UnknownHostException(d.host() + " does not resolve"));
        }
        List<InetAddress> usable = d.literal()
                ? List.of(all)
                : Arrays.stream(all).filter(a -> !internal(a)).toList();
        if (usable.isEmpty()) {
            throw new NetworkRefusal(d + " resolves only to addresses of the host itself or its link ("
                    + Arrays.stream(all).map(InetAddress::getHostAddress).toList()
                    + "); an allow-list entry must write such an address to reach it");
        }
        return usable.stream().map(a -> new InetSocketAddress(a, d.port())).toList();
    }

    /** Addresses a name must not lead to. */
    static boolean internal(InetAddress a) {
        return a.isLoopbackAddress()
                || a.isLinkLocalAddress()
                || a.isAnyLocalAddress()
                || a.isMulticastAddress()
                || a instanceof Inet6Address v6 && v6.isIPv4CompatibleAddress();
    }

    /** The same rule for Jetty's HTTP client, which the plain-HTTP forwarding connects with. */
    @Override
    public void resolve(String host, int port, Map<String, Object> context, Promise<List<InetSocketAddress>> promise) {
        List<InetSocketAddress> addresses;
        try {
            addresses = resolve(Destination.of(host, port));
        } catch (RuntimeException e) {
            promise.failed(e instanceof UncheckedIOException io ? io.getCause() : e);
            return;
        }
        promise.succeeded(addresses);
    }
}
