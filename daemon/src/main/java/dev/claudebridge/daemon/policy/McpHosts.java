package dev.claudebridge.daemon.policy;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Where a caller's remote MCP server is, and whether its profile's {@code mcp-hosts} lists it. The URL is
 * read strictly, so that the host the bridge checks is the host claude connects to: claude's URL parser
 * (WHATWG) forgives what this refuses (backslashes, tabs, percent-escapes and non-ASCII in the host,
 * user info), and never the other way round.
 */
final class McpHosts {
    private McpHosts() {}

    /** The URL's host, lower case; empty when the URL is not a plain {@code http(s)://HOST[:PORT]/...}. */
    static Optional<String> host(String url) {
        if (!url.matches("[\\x21-\\x7e]+") || url.contains("\\")) {
            return Optional.empty();
        }
        try {
            URI u = new URI(url);
            String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
            if (!(scheme.equals("http") || scheme.equals("https")) || u.getRawUserInfo() != null) {
                return Optional.empty();
            }
            String host = u.getHost();
            if (host == null || host.isEmpty() || host.contains("%")) {
                return Optional.empty();
            }
            return Optional.of(host.toLowerCase(Locale.ROOT));
        } catch (URISyntaxException e) {
            return Optional.empty();
        }
    }

    /** Whether an entry names the host: the same name, or {@code *.DOMAIN} and a name under DOMAIN. */
    static boolean listed(List<String> entries, String host) {
        return entries.stream().anyMatch(e -> e.equals(host) || (e.startsWith("*.") && host.endsWith(e.substring(1))));
    }
}
