package dev.claudebridge.daemon.sandbox;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Where a sandboxed tool asked the network proxy to go, in the form the allow-list is written in: a
 * name lower-cased without a trailing dot, a dotted IPv4 address, or a bracketed IPv6 address as the
 * JDK writes it.
 *
 * @param host the canonical host
 * @param port the port
 * @param literal whether the host names an address itself (an IP address, or {@code localhost}): only
 *     such a destination may be the host's loopback or link-local addresses
 */
record Destination(String host, int port, boolean literal) {
    private static final Pattern IPV4 = Pattern.compile(
            "((25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\\.){3}(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])");

    /**
     * @param host as the request wrote it (an IPv6 address with or without brackets)
     * @throws NetworkRefusal when the host is a malformed IPv6 address or the port is out of range
     */
    static Destination of(String host, int port) {
        if (port < 1 || port > 65535) {
            throw new NetworkRefusal("port " + port + " is not a TCP port");
        }
        String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        if (h.contains(":")) {
            InetAddress a;
            try {
                a = InetAddress.ofLiteral(h);
            } catch (IllegalArgumentException e) {
                throw new NetworkRefusal("'" + host + "' is not an address");
            }
            String text = a instanceof Inet6Address ? "[" + a.getHostAddress() + "]" : a.getHostAddress();
            return new Destination(text, port, true);
        }
        if (IPV4.matcher(h).matches()) {
            return new Destination(h, port, true);
        }
        String name = h.toLowerCase(Locale.ROOT);
        if (name.endsWith(".")) {
            name = name.substring(0, name.length() - 1);
        }
        return new Destination(name, port, name.equals("localhost"));
    }

    /** The host as the resolver takes it (an IPv6 address without brackets). */
    String bareHost() {
        return host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
    }

    @Override
    public String toString() {
        return host + ":" + port;
    }
}
