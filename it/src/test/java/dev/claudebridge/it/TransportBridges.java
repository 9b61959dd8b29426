package dev.claudebridge.it;

import java.util.function.Function;

/**
 * The daemon of a suite run over every transport: one per transport, kept while consecutive cases
 * share the transport ({@link Transport#withEveryClient()} groups them so), stopped when they move on.
 */
final class TransportBridges implements AutoCloseable {
    private final Function<Transport, Bridge> start;
    private Transport transport;
    private Bridge bridge;

    TransportBridges(Function<Transport, Bridge> start) {
        this.start = start;
    }

    /** The daemon listening on {@code t}, started now unless the last case used {@code t} too. */
    synchronized Bridge over(Transport t) {
        if (t != transport) {
            close();
            bridge = start.apply(t);
            transport = t;
        }
        return bridge;
    }

    @Override
    public synchronized void close() {
        if (bridge != null) {
            bridge.close();
            bridge = null;
            transport = null;
        }
    }
}
