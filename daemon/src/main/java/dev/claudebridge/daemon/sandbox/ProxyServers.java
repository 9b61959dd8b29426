package dev.claudebridge.daemon.sandbox;

import java.util.concurrent.Executors;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/** What the sandbox's two proxies share of their Jetty servers. */
final class ProxyServers {
    private ProxyServers() {}

    /** A server whose selectors are platform threads (at most {@code maxThreads}) and whose requests run on virtual threads. */
    static Server create(String name, int maxThreads) {
        QueuedThreadPool threads = new QueuedThreadPool(maxThreads, 2, 60_000);
        threads.setName(name);
        threads.setVirtualThreadsExecutor(Executors.newThreadPerTaskExecutor(
                Thread.ofVirtual().name(name + "-", 1).factory()));
        return new Server(threads);
    }

    /** HTTP/1.1 that says nothing about the server. */
    static HttpConfiguration http() {
        HttpConfiguration config = new HttpConfiguration();
        config.setSendServerVersion(false);
        config.setSendXPoweredBy(false);
        return config;
    }
}
