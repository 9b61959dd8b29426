package dev.claudebridge.it;

import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Supplier;

/**
 * Hosts for the tests of one class that run concurrently: each test borrows a {@link RealClaudeHost}
 * for itself, so its stand-in's script and its daemon's process tree are its own, and gives it back.
 * Up to {@link #SIZE} hosts are started, as concurrent tests need them ({@code -Dit.hosts}, default 3).
 */
final class HostPool implements AutoCloseable {
    static final int SIZE = Integer.getInteger("it.hosts", 3);

    private final Supplier<RealClaudeHost> start;
    private final BlockingQueue<RealClaudeHost> free = new LinkedBlockingQueue<>();
    private final List<RealClaudeHost> all = new CopyOnWriteArrayList<>();

    HostPool(Supplier<RealClaudeHost> start) {
        this.start = start;
    }

    /** A host of the test's own, quiet (nothing of an earlier test still running), until the lease is closed. */
    Lease borrow() throws InterruptedException {
        RealClaudeHost host = take();
        host.awaitQuiet();
        return new Lease(host, this);
    }

    /** One borrowed host; closing gives it back. */
    record Lease(RealClaudeHost host, HostPool pool) implements AutoCloseable {
        @Override
        public void close() {
            pool.free.add(host);
        }
    }

    private RealClaudeHost take() throws InterruptedException {
        synchronized (this) {
            RealClaudeHost host = free.poll();
            if (host != null) {
                return host;
            }
            if (all.size() < SIZE) {
                host = start.get();
                all.add(host);
                return host;
            }
        }
        return free.take();
    }

    @Override
    public void close() {
        all.forEach(RealClaudeHost::close);
    }
}
