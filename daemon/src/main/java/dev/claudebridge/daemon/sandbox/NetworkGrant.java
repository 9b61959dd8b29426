package dev.claudebridge.daemon.sandbox;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One sandboxed run's way out to the network: a socket of the network proxy of its own, mounted into
 * that run's sandbox only, that tunnels to the destinations its profile's allow-list names and nothing
 * else. The socket is the run's identity: it exists from the run's start until {@link #close}, and no
 * other sandbox sees it, so nothing secret needs to enter the sandbox for it.
 */
public final class NetworkGrant implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(NetworkGrant.class);

    private final String requestId;
    private final AllowList allowList;
    private final Path socket;
    private final Consumer<NetworkGrant> onClose;
    private final AtomicLong opened = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();

    NetworkGrant(String requestId, List<String> allowList, Path socket, Consumer<NetworkGrant> onClose) {
        this.requestId = requestId;
        this.allowList = AllowList.of(allowList);
        this.socket = socket;
        this.onClose = onClose;
    }

    /** The socket on the host, to be mounted into the run's sandbox. */
    public Path socket() {
        return socket;
    }

    /** Connections opened (tunnels and forwarded requests) and refused so far. */
    public long opened() {
        return opened.get();
    }

    public long refused() {
        return refused.get();
    }

    /**
     * @throws NetworkRefusal when the allow-list does not name the destination
     */
    void check(Destination d) {
        if (!allowList.allows(d)) {
            throw new NetworkRefusal(d + " is not in this profile's network allow-list");
        }
    }

    void opened(String how, Destination d) {
        opened.incrementAndGet();
        LOG.debug("{}: {} {}", requestId, how, d);
    }

    /** Logs a refusal: the destination and the reason, never a path, query or header. */
    void refused(String how, String reason) {
        refused.incrementAndGet();
        LOG.warn("{}: network proxy refused {}: {}", requestId, how, reason);
    }

    /** Logs a destination that was allowed but could not be reached. */
    void failed(String how, String reason) {
        LOG.info("{}: network proxy could not serve {}: {}", requestId, how, reason);
    }

    /** Closes the socket; tunnels still open are cut. Closing twice is harmless. */
    @Override
    public void close() {
        onClose.accept(this);
    }

    @Override
    public String toString() {
        return "NetworkGrant[" + requestId + ", " + allowList + "]";
    }
}
