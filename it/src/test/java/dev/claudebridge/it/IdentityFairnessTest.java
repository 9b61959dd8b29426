package dev.claudebridge.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * One caller floods the bridge (rate, queue, idle connections) from the host; another, in a PID
 * namespace of its own or as another uid, must still be served with none of rate_limited, queue_full
 * or a refused connection. The flood's client names are varied to show they buy nothing: the bridge
 * counts by listener, container and uid.
 */
@Timeout(value = 150, unit = TimeUnit.SECONDS)
class IdentityFairnessTest {
    @BeforeEach
    void needsRoot() {
        Containers.assumeRoot();
    }

    @Test
    void aCallerThatSpendsItsRateLeavesAContainersBucketFull() {
        try (Bridge bridge = Bridge.start("--rate", "6/3", "--socket-mode", "0666")) {
            int limited = 0;
            for (int i = 0; i < 8; i++) {
                LoadClient.Outcome o = LoadClient.call(bridge.socket, "flood-" + i, "exit", "0")
                        .finish();
                limited += o.error()
                        .map(e -> e.code().equals("rate_limited") ? 1 : 0)
                        .orElse(0);
            }
            assertThat(limited)
                    .as("the flood's own bucket ran dry (3 saved up, one back every 10 s)")
                    .isBetween(4, 5);

            Bridge.Result container =
                    Bridge.run(Containers.inPidNamespace(bridge, bridge.dir, "quiet", "exit", "0"), new byte[0]);
            Bridge.Result other =
                    Bridge.run(Containers.asNobody(bridge, bridge.dir, "nobody", "exit", "0"), new byte[0]);

            assertThat(container.status())
                    .as("the container's call: %s\n%s", container, bridge.log())
                    .isZero();
            assertThat(other.status()).as("another uid's call: %s", other).isZero();
            AuditLines audit = new AuditLines(bridge.auditLog());
            assertThat(audit.endOf("quiet").path("outcome").asText()).isEqualTo("exit");
            assertThat(audit.awaitEnds(10).stream()
                            .filter(e -> e.path("outcome").asText().equals("rate_limited"))
                            .count())
                    .isEqualTo(limited);
            assertNothingLeft(bridge);
        }
    }

    @Test
    void aCallerThatFillsItsShareOfTheQueueLeavesPlacesForAContainer() throws Exception {
        try (Bridge bridge = Bridge.start(
                "--max-running", "1", "--max-queued", "8", "--rate", "0", "--admin-listen", "127.0.0.1:0")) {
            LoadClient holder = LoadClient.call(bridge.socket, "holder", "cat");
            assertThat(holder.awaitStarted()).isTrue();
            List<LoadClient.Outcome> refused = new ArrayList<>();
            List<CompletableFuture<LoadClient.Outcome>> queued = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                LoadClient c = LoadClient.call(bridge.socket, "flood-" + i, "exit", "0");
                if (c.awaitQueuedOrStarted()) {
                    queued.add(CompletableFuture.supplyAsync(
                            c::finish, r -> Thread.ofVirtual().start(r)));
                } else {
                    refused.add(c.finish());
                }
            }
            assertThat(queued).as("the flood's share of 8 places is a quarter").hasSize(2);
            assertThat(refused)
                    .allSatisfy(
                            o -> assertThat(o.error().orElseThrow().message()).contains("client-max-queued"));

            CompletableFuture<Bridge.Result> container = CompletableFuture.supplyAsync(
                    () -> Bridge.run(Containers.inPidNamespace(bridge, bridge.dir, "quiet", "exit", "0"), new byte[0]));
            awaitWaiting(bridge, 3);
            holder.closeStdin();
            assertThat(holder.finish().exitedZero()).isTrue();

            Bridge.Result r = container.get(90, TimeUnit.SECONDS);
            assertThat(r.status())
                    .as("the container's call: %s\n%s", r, bridge.log())
                    .isZero();
            for (CompletableFuture<LoadClient.Outcome> f : queued) {
                assertThat(f.get(60, TimeUnit.SECONDS).exitedZero()).isTrue();
            }
            assertThat(new AuditLines(bridge.auditLog())
                            .endOf("quiet")
                            .path("outcome")
                            .asText())
                    .isEqualTo("exit");
            assertNothingLeft(bridge);
        }
    }

    @Test
    void idleConnectionsOfOneCallerDoNotLockAContainerOut() throws Exception {
        // a handshake-timeout long enough that the idle connections outlast the calls below without renewal
        try (Bridge bridge = Bridge.start("--rate", "0", "--socket-mode", "0666", "--handshake-timeout", "60s")) {
            // the default max-connections (512), held idle (and renewed should the daemon drop them)
            List<SocketChannel> idle = new ArrayList<>();
            AtomicBoolean flooding = new AtomicBoolean(true);
            java.util.concurrent.CountDownLatch full = new java.util.concurrent.CountDownLatch(1);
            Thread renew = Thread.ofVirtual().start(() -> {
                while (flooding.get()) {
                    synchronized (idle) {
                        idle.removeIf(ch -> !ch.isOpen() || closedByPeer(ch));
                        while (idle.size() < 512) {
                            try {
                                SocketChannel ch = SocketChannel.open(UnixDomainSocketAddress.of(bridge.socket));
                                ch.configureBlocking(false);
                                idle.add(ch);
                            } catch (IOException e) {
                                break; // the backlog is full for a moment
                            }
                        }
                        if (idle.size() == 512) {
                            full.countDown();
                        }
                    }
                    Bridge.sleep(200);
                }
            });
            try {
                assertThat(full.await(60, TimeUnit.SECONDS))
                        .as("512 connections open")
                        .isTrue();
                Bridge.sleep(1000); // the daemon has accepted them
                Bridge.Result container =
                        Bridge.run(Containers.inPidNamespace(bridge, bridge.dir, "quiet", "exit", "0"), new byte[0]);
                Bridge.Result other =
                        Bridge.run(Containers.asNobody(bridge, bridge.dir, "nobody", "exit", "0"), new byte[0]);
                assertThat(container.status())
                        .as("the container's call: %s\n%s", container, bridge.log())
                        .isZero();
                assertThat(other.status()).as("another uid's call: %s", other).isZero();
            } finally {
                flooding.set(false);
                renew.join();
                synchronized (idle) {
                    idle.forEach(IdentityFairnessTest::closeQuietly);
                }
            }
            assertThat(bridge.log()).contains("its client-max-connections is reached");
            assertThat(bridge.log()
                            .lines()
                            .filter(l -> l.contains("refusing a connection"))
                            .count())
                    .as("refusals are logged once per identity and limit every 10 s, not once each")
                    .isLessThan(10);
            assertThat(new AuditLines(bridge.auditLog())
                            .endOf("quiet")
                            .path("outcome")
                            .asText())
                    .isEqualTo("exit");
            assertNothingLeft(bridge);
        }
    }

    /** Every start has its end, no process is left, and the daemon serves on. */
    private static void assertNothingLeft(Bridge bridge) {
        AuditLines audit = new AuditLines(bridge.auditLog());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!bridge.children().isEmpty() && System.nanoTime() < deadline) {
            Bridge.sleep(50);
        }
        assertThat(bridge.children()).as("host processes left").isEmpty();
        List<String> started = audit.all().stream()
                .filter(n -> n.path("event").asText().equals("start"))
                .map(n -> n.path("id").asText())
                .toList();
        List<String> ended =
                audit.ends().stream().map(n -> n.path("id").asText()).toList();
        assertThat(ended).containsAll(started);
        Bridge.Result after =
                Bridge.run(Containers.inPidNamespace(bridge, bridge.dir, "after", "exit", "0"), new byte[0]);
        assertThat(after.status()).as("a call after the flood: %s", after).isZero();
    }

    /** Waits until {@code n} requests wait for a slot, as the status API tells. */
    private static void awaitWaiting(Bridge bridge, int n) {
        String url = bridge.adminUrl() + "/api/status";
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            try {
                if (AdminHttp.JSON
                                .readTree(AdminHttp.get(url).body())
                                .path("queued")
                                .asLong()
                        >= n) {
                    return;
                }
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            Bridge.sleep(100);
        }
        throw new AssertionError("fewer than " + n + " requests waiting after 60 s:\n" + bridge.log());
    }

    /** Whether the daemon has closed a (non-blocking) idle connection. */
    private static boolean closedByPeer(SocketChannel ch) {
        try {
            return ch.read(java.nio.ByteBuffer.allocate(64)) < 0;
        } catch (IOException e) {
            return true;
        }
    }

    private static void closeQuietly(SocketChannel ch) {
        try {
            ch.close();
        } catch (IOException e) {
            // already closed
        }
    }
}
