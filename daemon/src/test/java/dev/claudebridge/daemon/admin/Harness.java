package dev.claudebridge.daemon.admin;

import dev.claudebridge.daemon.config.BridgeConfig;
import dev.claudebridge.daemon.config.ClaudeConfig;
import dev.claudebridge.daemon.config.ListenerConfig;
import dev.claudebridge.daemon.session.BridgeSettings;
import dev.claudebridge.daemon.session.Peer;
import dev.claudebridge.daemon.session.SessionEngine;
import dev.claudebridge.protocol.BridgeError;
import dev.claudebridge.protocol.ClientHandshake;
import dev.claudebridge.protocol.Exit;
import dev.claudebridge.protocol.Frame;
import dev.claudebridge.protocol.FrameReader;
import dev.claudebridge.protocol.FrameType;
import dev.claudebridge.protocol.FrameWriter;
import dev.claudebridge.protocol.Hello;
import dev.claudebridge.protocol.Request;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.URI;
import java.net.UnixDomainSocketAddress;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A real session engine on a Unix socket in a private temp directory, running a small shell script as
 * claude, with the admin side attached and serving on a free loopback port and an admin socket.
 * Requests go over the real socket in the real protocol.
 */
final class Harness implements AutoCloseable {
    /** Modes: --version, exit N, say WORDS (stdout and stderr), hold MARKER N (waits for MARKER, exits N). */
    static final String SCRIPT = """
            #!/bin/sh
            while :; do case ${1-} in --settings|--setting-sources|--session-id|--resume) shift 2 ;; *) break ;; esac; done
            case $1 in
              --version) echo "1.2.3 (Claude Code)" ;;
              exit) exit "$2" ;;
              say) shift; printf '%s\\n' "$*"; printf 'e:%s\\n' "$*" >&2 ;;
              hold) n=0; while [ ! -e "$2" ] && [ $n -lt 600 ]; do sleep 0.05; n=$((n+1)); done; exit "$3" ;;
              *) exit 99 ;;
            esac
            """;

    final Path dir;
    final Path socket;
    final Path adminSocket;
    final BridgeSettings settings;
    final AdminSide admin;
    private final SessionEngine engine;
    private final ServerSocketChannel server;
    private final Thread acceptor;
    private final HttpClient http = HttpClient.newHttpClient();

    Harness() throws IOException {
        dir = Files.createTempDirectory(Path.of("/tmp"), "cba-");
        socket = dir.resolve("b.sock");
        adminSocket = dir.resolve("admin.sock");
        Path claude = dir.resolve("claude");
        Files.writeString(claude, SCRIPT);
        Files.setPosixFilePermissions(claude, PosixFilePermissions.fromString("rwx------"));
        BridgeConfig config = BridgeConfig.defaults()
                .with(BridgeConfig.CLAUDE, ClaudeConfig.defaults().with(ClaudeConfig.PATH, Optional.of(claude)))
                .with(BridgeConfig.LISTENERS, List.of(ListenerConfig.defaults().with(ListenerConfig.SOCKET, socket)));
        settings = BridgeSettings.of(config, System.getenv());
        admin = new AdminSide("test", () -> settings);
        engine = new SessionEngine(
                () -> settings,
                "claude-bridge/test",
                dev.claudebridge.daemon.session.Admission.UNLIMITED,
                List.of(admin.listener()));
        server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socket));
        acceptor = Thread.ofVirtual().start(() -> {
            while (server.isOpen()) {
                try {
                    SocketChannel ch = server.accept();
                    Thread.ofVirtual().start(() -> {
                        try (ch) {
                            engine.serve(
                                    Channels.newInputStream(ch),
                                    Channels.newOutputStream(ch),
                                    new Peer(socket.toString(), "tester", "testers"));
                        } catch (IOException e) {
                            // the test's client went away
                        }
                    });
                } catch (IOException e) {
                    return;
                }
            }
        });
        admin.start(Optional.of(new AdminAddress("127.0.0.1", 0)), Optional.of(adminSocket), true);
    }

    String base() {
        return "http://127.0.0.1:" + admin.port().orElseThrow();
    }

    HttpResponse<String> get(String path, String... headers) {
        try {
            HttpRequest.Builder b =
                    HttpRequest.newBuilder(URI.create(base() + path)).timeout(Duration.ofSeconds(20));
            if (headers.length > 0) {
                b.headers(headers);
            }
            return http.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    StatusReport status() {
        try {
            return StatusService.JSON.readValue(get("/api/status").body(), StatusReport.class);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** What a request ended with, as the caller saw it. */
    record Outcome(int status, String stdout, String stderr, String error) {}

    /** Runs one request to its end, as the container client would (its handshake, EOF of stdin). */
    Outcome run(String... argv) {
        try (SocketChannel ch = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
            FrameWriter w = new FrameWriter(Channels.newOutputStream(ch));
            FrameReader r = new FrameReader(Channels.newInputStream(ch));
            ClientHandshake handshake = new ClientHandshake(r, w);
            ClientHandshake.Outcome greeted = handshake.greet(new Hello(Hello.VERSION, "harness"));
            if (greeted instanceof ClientHandshake.Refused refused) {
                return new Outcome(
                        refused.error().exitStatus(), "", "", refused.error().code());
            }
            if (!(greeted instanceof ClientHandshake.Greeted)) {
                throw new AssertionError("daemon closed during the handshake");
            }
            handshake.request(new Request(List.of(argv), Map.of(), dir.toString(), Optional.empty(), "harness"));
            w.write(Frame.empty(FrameType.STDIN_EOF));
            ClientHandshake.Outcome start = handshake.awaitStart(queued -> {});
            if (start instanceof ClientHandshake.Refused refused) {
                return new Outcome(
                        refused.error().exitStatus(), "", "", refused.error().code());
            }
            if (!(start instanceof ClientHandshake.Started)) {
                throw new AssertionError("daemon closed without EXIT or ERROR");
            }
            StringBuilder out = new StringBuilder();
            StringBuilder err = new StringBuilder();
            while (true) {
                Frame f = r.read().orElseThrow(() -> new AssertionError("daemon closed without EXIT or ERROR"));
                switch (f.type()) {
                    case STDOUT -> out.append(new String(f.payload(), StandardCharsets.UTF_8));
                    case STDERR -> err.append(new String(f.payload(), StandardCharsets.UTF_8));
                    case EXIT -> {
                        return new Outcome(Exit.fromFrame(f).shellStatus(), out.toString(), err.toString(), "");
                    }
                    case ERROR -> {
                        BridgeError e = BridgeError.fromFrame(f);
                        return new Outcome(e.exitStatus(), out.toString(), err.toString(), e.code());
                    }
                    default -> {
                        // STDIN_CREDIT: nothing to collect
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Starts {@code hold MARKER status} on a virtual thread; create the marker to let it end. */
    Thread hold(Path marker, int status) {
        return Thread.ofVirtual().start(() -> run("hold", marker.toString(), Integer.toString(status)));
    }

    static byte[] bytes(Frame f) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        try {
            new FrameWriter(out).write(f);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** Sends raw bytes as a client (a protocol refusal, a port probe), reading until the daemon closes. */
    void rawClient(byte[] bytes) {
        try (SocketChannel ch = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
            Channels.newOutputStream(ch).write(bytes);
            ch.shutdownOutput(); // then the daemon sees the end of what this client says
            Channels.newInputStream(ch).readAllBytes();
        } catch (IOException e) {
            // the daemon hung up on us, which is the point
        }
    }

    /** Waits (at most 10 s) until the status report satisfies {@code condition}. */
    StatusReport awaitStatus(java.util.function.Predicate<StatusReport> condition) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        StatusReport last = status();
        while (!condition.test(last)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("status never matched; last: " + last);
            }
            sleep(20);
            last = status();
        }
        return last;
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() throws IOException {
        admin.close();
        server.close();
        engine.terminateAll(Duration.ofSeconds(1));
        acceptor.interrupt();
        http.close();
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
