package dev.claudebridge.daemon.sandbox;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.LoggerFactory;

/**
 * The network proxy over real sockets: a run's socket tunnels CONNECTs to what its allow-list names and
 * refuses the rest with a 403 before anything is connected; plain-HTTP requests are forwarded under the
 * same list; a name never leads to the host's own addresses unless the entry writes the address.
 */
@Timeout(value = 60, unit = SECONDS)
class NetworkProxyTest {
    /** Names the test's name service knows; everything else does not resolve. */
    private static final Map<String, String> NAMES = Map.of(
            "sneaky.example", "127.0.0.1",
            "metadata.example", "169.254.169.254");

    private Path dir;
    private NetworkProxy proxy;
    private EchoServer allowed;
    private EchoServer other;
    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();

    @BeforeEach
    void start() throws IOException {
        dir = Files.createTempDirectory("netproxy");
        proxy = new NetworkProxy(dir, new AddressPolicy(NetworkProxyTest::lookup));
        allowed = new EchoServer();
        other = new EchoServer();
        logs.start();
        ((Logger) LoggerFactory.getLogger(NetworkGrant.class)).addAppender(logs);
    }

    @AfterEach
    void stop() throws IOException {
        ((Logger) LoggerFactory.getLogger(NetworkGrant.class)).detachAppender(logs);
        proxy.close();
        allowed.close();
        other.close();
        try (var files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    private static InetAddress[] lookup(String host) throws UnknownHostException {
        String a = NAMES.get(host);
        if (a == null) {
            throw new UnknownHostException(host);
        }
        return new InetAddress[] {InetAddress.ofLiteral(a)};
    }

    @Test
    void anAllowedDestinationIsTunnelledBothWays() throws IOException {
        try (NetworkGrant g = proxy.grant("r-1", List.of("127.0.0.1:" + allowed.port()));
                SocketChannel ch = connect(g, "127.0.0.1:" + allowed.port())) {
            InputStream in = Channels.newInputStream(ch);
            assertThat(statusLine(in)).startsWith("HTTP/1.1 200");
            skipHeaders(in);
            byte[] sent = new byte[300_000];
            new Random(7).nextBytes(sent);
            Thread writer = Thread.ofVirtual().start(() -> {
                try {
                    ByteBuffer b = ByteBuffer.wrap(sent);
                    while (b.hasRemaining()) {
                        ch.write(b);
                    }
                    ch.shutdownOutput();
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            byte[] back = in.readAllBytes();
            writer.join();
            assertThat(back.length)
                    .as("the echo came back whole, and the half-close passed through")
                    .isEqualTo(sent.length);
            assertThat(java.util.Arrays.mismatch(back, sent))
                    .as("the first byte that differs")
                    .isEqualTo(-1);
            assertThat(g.opened()).isEqualTo(1);
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
        assertThat(allowed.acceptedAtLeast(1)).isEqualTo(1);
    }

    @Test
    void aDestinationNotListedGetsA403AndTheServerSeesNothing() throws IOException {
        try (NetworkGrant g = proxy.grant("r-2", List.of("127.0.0.1:" + allowed.port()))) {
            Reply r = exchange(
                    g,
                    "CONNECT 127.0.0.1:" + other.port() + " HTTP/1.1\r\nHost: 127.0.0.1:" + other.port() + "\r\n\r\n");
            assertThat(r.status()).isEqualTo(403);
            assertThat(r.body())
                    .isEqualTo("claude-bridge: 127.0.0.1:" + other.port()
                            + " is not in this profile's network allow-list\n");
            assertThat(g.refused()).isEqualTo(1);
        }
        assertThat(other.accepted()).isZero();
        assertThat(logs.list)
                .as("the refusal is logged with the run and the reason")
                .anySatisfy(e -> assertThat(e.getFormattedMessage())
                        .contains("r-2")
                        .contains("CONNECT 127.0.0.1:" + other.port())
                        .contains("not in this profile's network allow-list"));
    }

    @Test
    void aNameLeadingToTheHostsOwnAddressesIsRefusedUnlessTheEntryWritesTheAddress() throws IOException {
        int port = allowed.port();
        try (NetworkGrant g = proxy.grant("r-3", List.of("sneaky.example:" + port, "metadata.example:80"))) {
            Reply loopback = exchange(g, connectRequest("sneaky.example:" + port));
            assertThat(loopback.status()).isEqualTo(403);
            assertThat(loopback.body()).contains("sneaky.example:" + port + " resolves only to addresses of the host");
            assertThat(exchange(g, connectRequest("metadata.example:80")).status())
                    .as("link-local (the cloud metadata service)")
                    .isEqualTo(403);
        }
        assertThat(allowed.accepted()).isZero();
        try (NetworkGrant literal = proxy.grant("r-4", List.of("127.0.0.1:" + port, "localhost:" + port));
                SocketChannel ch = connect(literal, "127.0.0.1:" + port)) {
            assertThat(statusLine(Channels.newInputStream(ch))).startsWith("HTTP/1.1 200");
        }
        assertThat(allowed.acceptedAtLeast(1))
                .as("the address written in the entry is reached")
                .isEqualTo(1);
    }

    @Test
    void plainHttpIsForwardedUnderTheSameList() throws IOException {
        try (Upstream web = new Upstream();
                NetworkGrant g =
                        proxy.grant("r-5", List.of("127.0.0.1:" + web.uri().getPort()))) {
            String authority = web.uri().getAuthority();
            Reply ok = exchange(
                    g,
                    "GET " + web.uri() + "/v1/echo HTTP/1.1\r\nHost: " + authority + "\r\nConnection: close\r\n\r\n");
            assertThat(ok.status()).as(ok.body()).isEqualTo(200);
            assertThat(ok.body()).isEqualTo(Upstream.ECHO);
            assertThat(web.seen().getFirst().header("via")).isNull();
            assertThat(web.seen().getFirst().header("forwarded")).isNull();

            Reply refused = exchange(
                    g,
                    "GET http://127.0.0.1:" + other.port() + "/ HTTP/1.1\r\nHost: 127.0.0.1:" + other.port()
                            + "\r\nConnection: close\r\n\r\n");
            assertThat(refused.status()).isEqualTo(403);
            assertThat(refused.body()).contains("not in this profile's network allow-list");

            Reply originForm = exchange(g, "GET / HTTP/1.1\r\nHost: example.com\r\nConnection: close\r\n\r\n");
            assertThat(originForm.body())
                    .as("a request in origin form goes where its Host says, under the same list")
                    .isEqualTo("claude-bridge: example.com:80 is not in this profile's network allow-list\n");
        }
        assertThat(other.accepted()).isZero();
    }

    @Test
    void eachRunHasItsOwnSocketAndListUntilItEnds() throws IOException {
        NetworkGrant a = proxy.grant("r-6", List.of("127.0.0.1:" + allowed.port()));
        NetworkGrant b = proxy.grant("r-7", List.of("127.0.0.1:" + other.port()));
        assertThat(a.socket()).isNotEqualTo(b.socket());
        assertThat(Files.getPosixFilePermissions(a.socket())).hasSize(2); // rw-------
        assertThat(exchange(b, connectRequest("127.0.0.1:" + allowed.port())).status())
                .as("another run's list does not apply")
                .isEqualTo(403);
        a.close();
        a.close();
        assertThat(a.socket()).doesNotExist();
        assertThat(proxy.liveGrants()).isEqualTo(1);
        b.close();
        assertThat(proxy.liveGrants()).isZero();
        assertThat(allowed.accepted()).isZero();
    }

    private record Reply(int status, String body) {}

    private static String connectRequest(String authority) {
        return "CONNECT " + authority + " HTTP/1.1\r\nHost: " + authority + "\r\n\r\n";
    }

    private static SocketChannel connect(NetworkGrant g, String authority) throws IOException {
        SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
        ch.connect(UnixDomainSocketAddress.of(g.socket()));
        ch.write(ByteBuffer.wrap(connectRequest(authority).getBytes(StandardCharsets.ISO_8859_1)));
        return ch;
    }

    /** Sends a request and reads the whole reply (the proxy closes after its own answers). */
    private static Reply exchange(NetworkGrant g, String request) throws IOException {
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(g.socket()));
            ch.write(ByteBuffer.wrap(request.getBytes(StandardCharsets.ISO_8859_1)));
            InputStream in = Channels.newInputStream(ch);
            int status = Integer.parseInt(statusLine(in).split(" ")[1]);
            long length = skipHeaders(in);
            byte[] body = length >= 0 ? in.readNBytes((int) length) : in.readAllBytes();
            return new Reply(status, new String(body, StandardCharsets.UTF_8));
        }
    }

    private static String statusLine(InputStream in) throws IOException {
        return line(in);
    }

    /** Reads the headers; returns Content-Length, or -1 when there is none. */
    private static long skipHeaders(InputStream in) throws IOException {
        long length = -1;
        for (String l; !(l = line(in)).isEmpty(); ) {
            if (l.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
                length = Long.parseLong(l.substring(15).strip());
            }
        }
        return length;
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (int c; (c = in.read()) != '\n'; ) {
            if (c < 0) {
                throw new IOException("the connection ended inside a header");
            }
            if (c != '\r') {
                b.write(c);
            }
        }
        return b.toString(StandardCharsets.ISO_8859_1);
    }
}
