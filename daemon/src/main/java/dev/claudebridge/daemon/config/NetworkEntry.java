package dev.claudebridge.daemon.config;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * One entry of a sandbox's network allow-list, {@code HOST:PORT}: a DNS name, {@code *.SUFFIX} (any
 * name ending in {@code .SUFFIX}), a dotted IPv4 address or a bracketed IPv6 address, and a port.
 * What each form matches is in docs/CONFIG.md ("The sandbox").
 */
public final class NetworkEntry {
    private static final Pattern LABEL = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");
    private static final Pattern IPV4 = Pattern.compile(
            "((25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\\.){3}(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])");

    private NetworkEntry() {}

    /**
     * The entry in the form the sandbox matches against: the name lower-cased without a trailing dot,
     * an IPv6 address as the JDK writes it.
     *
     * @throws IllegalArgumentException naming what is wrong
     */
    public static String canonical(String spec) {
        String s = spec.strip();
        int colon = s.lastIndexOf(':');
        if (colon <= 0 || colon == s.length() - 1) {
            throw new IllegalArgumentException("'" + spec + "' is not HOST:PORT (github.com:443, *.pypi.org:443,"
                    + " 10.0.0.5:8080, [2001:db8::1]:443)");
        }
        return host(spec, s.substring(0, colon)) + ":" + port(spec, s.substring(colon + 1));
    }

    private static String host(String spec, String host) {
        if (host.startsWith("[") && host.endsWith("]")) {
            String inner = host.substring(1, host.length() - 1);
            if (inner.contains(":") && !inner.contains("%")) {
                try {
                    InetAddress a = InetAddress.ofLiteral(inner);
                    return a instanceof Inet6Address ? "[" + a.getHostAddress() + "]" : a.getHostAddress();
                } catch (IllegalArgumentException e) {
                    // reported below
                }
            }
            throw new IllegalArgumentException("'" + spec + "': " + host + " is not an IPv6 address");
        }
        if (IPV4.matcher(host).matches()) {
            return host;
        }
        String h = host.toLowerCase(Locale.ROOT);
        boolean wildcard = h.startsWith("*.");
        String name = wildcard ? h.substring(2) : h;
        if (name.endsWith(".")) {
            name = name.substring(0, name.length() - 1);
        }
        if (!isName(name)) {
            throw new IllegalArgumentException("'" + spec + "': " + host
                    + " is neither a host name, *.SUFFIX, an IPv4 address nor a bracketed IPv6 address");
        }
        return wildcard ? "*." + name : name;
    }

    /** Labels of letters, digits and inner hyphens, the last not all digits (so no address in another spelling). */
    private static boolean isName(String name) {
        if (name.isEmpty() || name.length() > 253) {
            return false;
        }
        String[] labels = name.split("\\.", -1);
        for (String l : labels) {
            if (!LABEL.matcher(l).matches()) {
                return false;
            }
        }
        return !labels[labels.length - 1].chars().allMatch(Character::isDigit);
    }

    private static int port(String spec, String port) {
        if (port.matches("[0-9]{1,5}")) {
            int p = Integer.parseInt(port);
            if (p >= 1 && p <= 65535) {
                return p;
            }
        }
        throw new IllegalArgumentException(
                "'" + spec + "': the port must be a number from 1 to 65535, got '" + port + "'");
    }
}
