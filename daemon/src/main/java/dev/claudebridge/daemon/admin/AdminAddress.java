package dev.claudebridge.daemon.admin;

import java.util.Optional;

/**
 * Where the admin HTTP endpoint listens, from {@code admin.listen} or {@code --admin-listen}:
 * {@code HOST:PORT} or {@code [IPv6]:PORT}; port 0 picks a free port. "" or "off" turn it off.
 */
public record AdminAddress(String host, int port) {
    public static final String DEFAULT = dev.claudebridge.daemon.config.AdminConfig.DEFAULT_LISTEN;

    public AdminAddress {
        if (host.isEmpty()) {
            throw new IllegalArgumentException("admin address needs a host, e.g. 127.0.0.1:9777");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("admin port must be 0-65535, got " + port);
        }
    }

    /**
     * @return empty when the endpoint is turned off
     * @throws IllegalArgumentException naming what is wrong with {@code text}
     */
    public static Optional<AdminAddress> parse(String text) {
        String t = text.strip();
        if (t.isEmpty() || t.equals("off")) {
            return Optional.empty();
        }
        int colon = t.lastIndexOf(':');
        if (colon <= 0 || colon == t.length() - 1) {
            throw new IllegalArgumentException(
                    "admin address must be HOST:PORT (e.g. 127.0.0.1:9777) or off, got '" + text + "'");
        }
        String host = t.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        } else if (host.contains(":")) {
            throw new IllegalArgumentException(
                    "write an IPv6 admin address in brackets, e.g. [::1]:9777, got '" + text + "'");
        }
        int port;
        try {
            port = Integer.parseInt(t.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("admin port must be a number, got '" + t.substring(colon + 1) + "'");
        }
        return Optional.of(new AdminAddress(host, port));
    }

    /** The base URL for a port (the bound one when {@link #port()} is 0). */
    public String url(int boundPort) {
        return "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + boundPort;
    }

    @Override
    public String toString() {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }
}
