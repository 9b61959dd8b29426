package dev.claudebridge.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.claudebridge.protocol.FrameReader;
import dev.claudebridge.protocol.FrameType;
import dev.claudebridge.protocol.FrameWriter;
import dev.claudebridge.protocol.Hello;
import dev.claudebridge.protocol.Request;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Each limit as the caller meets it: the real client's exact message and exit status. Requests that
 * hold a slot are protocol clients running the fake claude's {@code cat}, which lasts until its stdin
 * is closed.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LimitsTest {
    /** A call that runs until released. */
    private static LoadClient hold(Bridge bridge) {
        LoadClient c = LoadClient.call(bridge.socket, "holder", "cat");
        assertThat(c.awaitStarted()).as("the holder runs").isTrue();
        return c;
    }

    private static void release(LoadClient holder) {
        holder.closeStdin();
        assertThat(holder.finish().exitedZero()).isTrue();
    }

    @Test
    void overTheRateLimitTheCallerIsToldWhenToRetry() {
        try (Bridge bridge = Bridge.start("--rate", "2/2")) {
            for (int i = 0; i < 2; i++) {
                assertThat(LoadClient.call(bridge.socket, "t", "exit", "0")
                                .finish()
                                .exitedZero())
                        .isTrue();
            }

            Bridge.Result r = bridge.run("exit", "0");

            assertThat(r.status()).isEqualTo(75);
            Matcher m = Pattern.compile(
                            "claude-bridge: rate limit of 2 requests/minute for profile default exceeded by this caller \\(its container, or its uid\\); retry in (\\d+) s\n")
                    .matcher(r.stderr());
            assertThat(m.matches()).as(r.stderr()).isTrue();
            // two a minute: the next token is at most 30 s away, and the calls above took less than 5 s
            assertThat(Integer.parseInt(m.group(1))).isBetween(25, 30);
        }
    }

    @Test
    void aCallThatWaitsPastTheQueueTimeoutIsToldItsPlaceThenRefused() {
        try (Bridge bridge = Bridge.start("--max-running", "1", "--queue-timeout", "2s")) {
            LoadClient holder = hold(bridge);

            Bridge.Result r = bridge.run("exit", "0");

            assertThat(r.status()).isEqualTo(68);
            assertThat(r.stderr())
                    .isEqualTo(
                            "claude-bridge: waiting for a free slot (position 1 of 1)\n"
                                    + "claude-bridge: no free slot within the queue timeout of 2s (profile default); try again later\n");
            release(holder);
        }
    }

    @Test
    void aFullQueueRefusesAtOnce() {
        try (Bridge bridge = Bridge.start("--max-running", "1", "--max-queued", "1", "--client-max-queued", "2")) {
            LoadClient holder = hold(bridge);
            LoadClient waiting = LoadClient.call(bridge.socket, "waiting", "exit", "0");
            assertThat(waiting.awaitQueuedOrStarted()).isTrue();

            Bridge.Result r = bridge.run("exit", "0");

            assertThat(r.status()).isEqualTo(66);
            assertThat(r.stderr())
                    .isEqualTo(
                            "claude-bridge: the bridge's queue is full (1 request waiting for 1 slot); try again later\n");
            release(holder);
            assertThat(waiting.finish().exitedZero())
                    .as("the queued call runs once the slot is free")
                    .isTrue();
        }
    }

    @Test
    void oneConnectionOverTheCapIsRefusedWithAReason() {
        try (Bridge bridge = Bridge.start("--max-connections", "2", "--client-max-connections", "3")) {
            LoadClient first = hold(bridge);
            LoadClient second = hold(bridge);

            Bridge.Result r = bridge.run("exit", "0");

            assertThat(r.status()).isEqualTo(66);
            assertThat(r.stderr())
                    .isEqualTo(
                            "claude-bridge: the bridge has 2 connections open, its max-connections limit; try again later\n");
            release(first);
            // the daemon counts the connection closed a moment after the caller has its EXIT
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            Bridge.Result again = bridge.run("exit", "7");
            while (again.status() == 66 && System.nanoTime() < deadline) {
                again = bridge.run("exit", "7");
            }
            assertThat(again.status())
                    .as("a connection is free again: %s", again)
                    .isEqualTo(7);
            release(second);
        }
    }

    @Test
    void connectionsThatSayNothingOrTrickleAreDroppedAfterTheHandshakeTimeout() throws Exception {
        try (Bridge bridge = Bridge.start("--handshake-timeout", "1s")) {
            assertThat(bridge.run("exit", "0").status())
                    .isZero(); // warm: the baseline includes what the first call loads
            LoadClient.connect(bridge.socket)
                    .close(); // and the JDK's I/O pollers, made when a virtual thread first waits on a socket
            Bridge.sleep(300);
            long fds = bridge.openFds();
            List<String> before = bridge.fdTargets();
            LoadClient silent = LoadClient.connect(bridge.socket);
            SocketChannel trickle = SocketChannel.open(UnixDomainSocketAddress.of(bridge.socket));
            long start = System.nanoTime();
            byte[] hello = helloBytes();
            Thread trickler = Thread.ofVirtual().start(() -> {
                try {
                    for (byte b :
                            hello) { // a valid HELLO, one byte every 200 ms: it would take longer than the timeout
                        trickle.write(ByteBuffer.wrap(new byte[] {b}));
                        Thread.sleep(200);
                    }
                } catch (IOException | InterruptedException e) {
                    // dropped: expected
                }
            });

            assertThat(bridge.run("exit", "3").status())
                    .as("a well-behaved caller is served meanwhile")
                    .isEqualTo(3);
            assertThat(silent.awaitQueuedOrStarted())
                    .as("the silent connection is closed")
                    .isFalse();
            trickler.join(Duration.ofSeconds(10));
            assertThat(trickler.isAlive())
                    .as("the trickling connection is closed")
                    .isFalse();
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(8));
            assertThat(trickle.read(ByteBuffer.allocate(1))).isEqualTo(-1);
            silent.close();
            trickle.close();

            assertThat(bridge.log()).contains("no request within the handshake-timeout of 1s");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (bridge.openFds() > fds && System.nanoTime() < deadline) {
                Bridge.sleep(50);
            }
            assertThat(bridge.openFds())
                    .as("the daemon's file descriptors (before: %s, now: %s)", before, bridge.fdTargets())
                    .isLessThanOrEqualTo(fds);
        }
    }

    @Test
    void aCallerThatStopsReadingPausesTheProcessInsteadOfFillingTheDaemon() throws Exception {
        try (Bridge bridge = Bridge.start()) {
            assertThat(bridge.run("exit", "0").status()).isZero();
            long rssBefore = rssKib(bridge.daemonPid());
            long size = 256L << 20;
            try (SocketChannel ch = SocketChannel.open(UnixDomainSocketAddress.of(bridge.socket))) {
                FrameWriter w = new FrameWriter(Channels.newOutputStream(ch));
                w.write(new Hello(Hello.VERSION, "slow-reader").toFrame());
                w.write(new Request(List.of("write", Long.toString(size)), Map.of(), "/", Optional.empty(), "slow")
                        .toFrame());
                Bridge.sleep(2000); // reads nothing: 256 MiB would take a fraction of a second to write

                List<Long> writers = bridge.daemon()
                        .descendants()
                        .map(ProcessHandle::pid)
                        .filter(Proc::running)
                        .toList();
                assertThat(writers)
                        .as("the writing process is paused, not finished")
                        .isNotEmpty();
                assertThat(rssKib(bridge.daemonPid()) - rssBefore)
                        .as("daemon RSS growth in KiB")
                        .isLessThan(64 * 1024);

                FrameReader r = new FrameReader(new BufferedInputStream(Channels.newInputStream(ch), 1 << 17));
                long received = 0;
                for (var f = r.read(); f.isPresent(); f = r.read()) {
                    if (f.get().type() == FrameType.STDOUT) {
                        received += f.get().payload().length;
                    } else if (f.get().type() == FrameType.EXIT) {
                        break;
                    }
                }
                assertThat(received)
                        .as("everything arrives once the caller reads")
                        .isEqualTo(size);
            }
        }
    }

    private static long rssKib(long pid) throws IOException {
        return Files.readAllLines(Path.of("/proc", Long.toString(pid), "status")).stream()
                .filter(l -> l.startsWith("VmRSS:"))
                .map(l -> Long.parseLong(l.replaceAll("[^0-9]", "")))
                .findFirst()
                .orElseThrow();
    }

    @Test
    void aRequestOverTheMaxRuntimeIsEndedAndTheCallerToldWhy() throws Exception {
        try (Bridge bridge = Bridge.start("--max-runtime", "1s")) {
            Bridge.Result r = runWithStdinOpen(bridge, "cat");

            assertThat(r.status()).isEqualTo(143);
            assertThat(r.stderr())
                    .isEqualTo(
                            "claude-bridge: the request ran longer than the max-runtime of 1s (profile default) and was ended\n");
            assertThat(bridge.run("exit", "0").status())
                    .as("a short request is not affected")
                    .isZero();
        }
    }

    @Test
    void aProgramThatExitsZeroWhenTheBridgeEndsItDoesNotLookLikeASuccess() throws Exception {
        // the real claude exits 0 on SIGTERM: a request cut short by a limit must not read as done
        try (Bridge bridge = Bridge.start("--max-runtime", "1s")) {
            Bridge.Result r = runWithStdinOpen(bridge, "graceful");

            assertThat(r.status()).as(r.toString()).isEqualTo(143);
            assertThat(r.stderr()).contains("the max-runtime of 1s");
            AuditLines audit = new AuditLines(bridge.auditLog());
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (audit.ends().stream().noneMatch(e -> e.has("exit_code")) && System.nanoTime() < deadline) {
                Bridge.sleep(20);
            }
            assertThat(audit.ends())
                    .as("the audit keeps the program's own status")
                    .anyMatch(e -> e.has("exit_code") && e.path("exit_code").asInt() == 0);
        }
    }

    @Test
    void aRequestIdleLongerThanTheIdleTimeoutIsEndedAndTheCallerToldWhy() throws Exception {
        try (Bridge bridge = Bridge.start("--idle-timeout", "1s")) {
            Bridge.Result r = runWithStdinOpen(bridge, "cat");

            assertThat(r.status()).isEqualTo(143);
            assertThat(r.stderr())
                    .isEqualTo(
                            "claude-bridge: the request passed no input or output for the idle-timeout of 1s and was ended\n");
        }
    }

    private static byte[] helloBytes() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new FrameWriter(out).write(new Hello(Hello.VERSION, "slowloris").toFrame());
        return out.toByteArray();
    }

    /** Runs a client whose stdin stays open until it exits (at most 30 s). */
    private static Bridge.Result runWithStdinOpen(Bridge bridge, String... args) throws Exception {
        Process p = bridge.client(bridge.dir, args).start();
        try (OutputStream stdin = p.getOutputStream();
                var threads = Executors.newVirtualThreadPerTaskExecutor()) {
            var out = threads.submit(() -> Bridge.readAll(p.getInputStream()));
            var err = threads.submit(() -> Bridge.readAll(p.getErrorStream()));
            assertThat(p.waitFor(30, TimeUnit.SECONDS))
                    .as("the client ends without its stdin closing")
                    .isTrue();
            return new Bridge.Result(p.exitValue(), out.get(), new String(err.get(), StandardCharsets.UTF_8));
        } finally {
            p.destroyForcibly();
        }
    }
}
