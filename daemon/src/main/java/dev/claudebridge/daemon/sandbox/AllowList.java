package dev.claudebridge.daemon.sandbox;

import java.util.List;

/**
 * A profile's network allow-list, matched against a {@link Destination}: an entry {@code NAME:PORT} or
 * {@code ADDRESS:PORT} matches exactly that host (case and a trailing dot aside) on exactly that port;
 * {@code *.SUFFIX:PORT} matches every name that ends in {@code .SUFFIX} (any number of labels before it,
 * not {@code SUFFIX} itself) on that port. Entries come canonical from the configuration.
 */
final class AllowList {
    private record Entry(String host, boolean wildcard, int port) {}

    private final List<Entry> entries;
    private final List<String> written;

    private AllowList(List<Entry> entries, List<String> written) {
        this.entries = entries;
        this.written = written;
    }

    /**
     * @param entries {@code HOST:PORT} each, as the configuration canonicalised them
     * @throws IllegalArgumentException when an entry is not {@code HOST:PORT}
     */
    static AllowList of(List<String> entries) {
        return new AllowList(entries.stream().map(AllowList::entry).toList(), List.copyOf(entries));
    }

    private static Entry entry(String spec) {
        int colon = spec.lastIndexOf(':');
        if (colon <= 0) {
            throw new IllegalArgumentException("not HOST:PORT: " + spec);
        }
        String host = spec.substring(0, colon);
        int port = Integer.parseInt(spec.substring(colon + 1));
        if (host.startsWith("*.")) {
            return new Entry(host.substring(1), true, port); // ".suffix"
        }
        return new Entry(Destination.of(host, port).host(), false, port);
    }

    boolean isEmpty() {
        return entries.isEmpty();
    }

    boolean allows(Destination d) {
        for (Entry e : entries) {
            if (e.port() == d.port()
                    && (e.wildcard() ? d.host().endsWith(e.host()) : e.host().equals(d.host()))) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return written.toString();
    }
}
