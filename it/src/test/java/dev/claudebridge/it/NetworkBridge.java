package dev.claudebridge.it;

import dev.claudebridge.protocol.Pem;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

/**
 * What the TLS and WebSocket suites share: the agents' tokens, a network listener's configuration on
 * the shared PKI's certificates ({@link TestPki#shared()}), a daemon with such listeners (and the
 * socket the fixture waits for), and the client variables that reach one.
 */
final class NetworkBridge {
    /** The token most suites' agents send; its name on the listeners is {@link #TOKEN_NAME}. */
    static final String TOKEN = "token-of-agent-t-0123456789abcdefghijklmnop";

    static final String TOKEN_NAME = "agent-t";

    private NetworkBridge() {}

    /**
     * One TLS (or WebSocket) listener entry.
     *
     * @param host the address it listens on
     * @param server the shared PKI's leaf it presents
     * @param mutual whether it accepts client certificates of the shared CA
     * @param tokens {@code NAME=TOKEN} pairs it accepts (hashed in the configuration)
     * @param profile the profile of its callers no match binds, or "" for the default
     */
    record Listener(
            String host,
            int port,
            boolean websocket,
            String server,
            boolean mutual,
            List<String> tokens,
            String profile) {
        /** TLS on 127.0.0.1 with the shared server certificate, client certificates and {@link #TOKEN}. */
        static Listener tls(int port) {
            return new Listener("127.0.0.1", port, false, "server", true, List.of(TOKEN_NAME + "=" + TOKEN), "");
        }

        Listener websocket(boolean on) {
            return new Listener(host, port, on, server, mutual, tokens, profile);
        }

        Listener on(String otherHost, String otherServer) {
            return new Listener(otherHost, port, websocket, otherServer, mutual, tokens, profile);
        }

        Listener mutual(boolean on) {
            return new Listener(host, port, websocket, server, on, tokens, profile);
        }

        Listener tokens(List<String> nameEqualsToken) {
            return new Listener(host, port, websocket, server, mutual, nameEqualsToken, profile);
        }

        Listener profile(String name) {
            return new Listener(host, port, websocket, server, mutual, tokens, name);
        }

        /** Its name in logs and audit records, and the URL a client gives for it. */
        String url() {
            return (websocket ? "wss://" : "tls://") + host + ":" + port;
        }

        /** Its entry in a {@code listeners:} list. */
        String yaml() {
            TestPki pki = TestPki.shared();
            StringBuilder tls = new StringBuilder("listen: \"%s:%d\", certificate: \"%s\", key: \"%s\""
                    .formatted(host, port, pki.certificate(server), pki.key(server)));
            if (websocket) {
                tls.append(", websocket: true");
            }
            if (mutual) {
                tls.append(", client-ca: \"").append(pki.caCertificate()).append('"');
            }
            if (!tokens.isEmpty()) {
                tls.append(", tokens: [ ")
                        .append(tokens.stream()
                                .map(t -> '"' + t.substring(0, t.indexOf('=')) + "="
                                        + sha256(t.substring(t.indexOf('=') + 1)) + '"')
                                .collect(Collectors.joining(", ")))
                        .append(" ]");
            }
            String bound = profile.isEmpty() ? "" : "profile: " + profile + ", ";
            return "  - { " + bound + "tls: { " + tls + " } }\n";
        }
    }

    /**
     * A daemon in {@code dir} running {@code claude}, configured by {@link #config}; returns once every
     * listener accepts (the fixture waits for the socket, which is bound first).
     */
    static Bridge start(Path dir, Path claude, List<Listener> listeners, String more) {
        return start(dir, claude, Map.of(), listeners, more);
    }

    /** Like {@link #start(Path, Path, List, String)}, the daemon with these variables added to its environment. */
    static Bridge start(Path dir, Path claude, Map<String, String> env, List<Listener> listeners, String more) {
        Bridge bridge = Bridge.startWithConfig(dir, env, configFile(dir, config(dir, claude, listeners, more)));
        try {
            listeners.forEach(l -> awaitPort(l.host(), l.port()));
            listeners.stream().filter(Listener::websocket).forEach(NetworkBridge::awaitUpgrades);
        } catch (AssertionError e) {
            bridge.close();
            throw e;
        }
        return bridge;
    }

    /**
     * The configuration of a daemon in {@code dir} running {@code claude}, with the socket the fixture
     * waits for ({@code dir/b.sock}), these listeners, {@code more} (profiles, limits: top-level YAML)
     * and its audit log in {@code dir/audit.log}.
     */
    static String config(Path dir, Path claude, List<Listener> listeners, String more) {
        StringBuilder yaml = new StringBuilder()
                .append("claude: { path: \"")
                .append(claude)
                .append("\" }\n")
                .append("listeners:\n")
                .append("  - { socket: \"")
                .append(dir.resolve("b.sock"))
                .append("\" }\n");
        listeners.forEach(l -> yaml.append(l.yaml()));
        return yaml.append(more)
                .append(more.isEmpty() || more.endsWith("\n") ? "" : "\n")
                .append("audit: { path: \"")
                .append(dir.resolve("audit.log"))
                .append("\" }\n")
                .toString();
    }

    /**
     * Until a WebSocket listener upgrades (30 s at most): it accepts connections as soon as it is bound
     * but answers 503 until the daemon serves them, and a client takes a 503 for an unavailable bridge.
     */
    static void awaitUpgrades(Listener l) {
        SSLContext tls = trustingTheSharedCa();
        String upgrade = "GET /claude-bridge HTTP/1.1\r\nHost: " + l.host() + ":" + l.port()
                + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13"
                + "\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Protocol: claude-bridge.v1\r\n\r\n";
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        String answer = "";
        while (System.nanoTime() < deadline) {
            try (SSLSocket s = (SSLSocket) tls.getSocketFactory().createSocket(l.host(), l.port())) {
                s.setSoTimeout(10_000);
                s.getOutputStream().write(upgrade.getBytes(StandardCharsets.US_ASCII));
                s.getOutputStream().flush();
                answer = new String(s.getInputStream().readNBytes(12), StandardCharsets.US_ASCII);
                if (answer.startsWith("HTTP/1.1 101")) {
                    return;
                }
            } catch (IOException e) {
                answer = e.toString();
            }
            Bridge.sleep(100);
        }
        throw new AssertionError("no WebSocket upgrade on " + l.url() + " within 30 s: " + answer);
    }

    /** A TLS 1.3 client context that trusts the shared PKI's CA. */
    static SSLContext trustingTheSharedCa() {
        try {
            KeyStore ts = KeyStore.getInstance("PKCS12");
            ts.load(null, null);
            ts.setCertificateEntry(
                    "ca",
                    Pem.certificates(Files.readAllBytes(TestPki.shared().caCertificate()))
                            .getFirst());
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(ts);
            SSLContext ctx = SSLContext.getInstance("TLSv1.3");
            ctx.init(null, tmf.getTrustManagers(), null);
            return ctx;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Writes (or rewrites, for a reload) {@code dir/config.yaml}. */
    static Path configFile(Path dir, String yaml) {
        return Bridge.writeConfig(dir, "config.yaml", yaml);
    }

    /**
     * Points a client at {@code urls} (a {@code CLAUDE_BRIDGE_URL} list) trusting the shared CA, instead
     * of at the socket.
     */
    static void reach(Map<String, String> env, String urls) {
        env.remove("CLAUDE_BRIDGE_SOCKET");
        env.put("CLAUDE_BRIDGE_URL", urls);
        env.put("CLAUDE_BRIDGE_CA", TestPki.shared().caCertificate().toString());
    }

    /** Makes the client send {@code token}, from a file of its own in {@code dir}. */
    static void sendToken(Map<String, String> env, Path dir, String token) {
        try {
            Path f = Files.writeString(Files.createTempFile(dir, "token", ""), token + "\n");
            env.put("CLAUDE_BRIDGE_TOKEN_FILE", f.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Makes the client present the shared PKI's leaf {@code name}. */
    static void presentCertificate(Map<String, String> env, String name) {
        env.put("CLAUDE_BRIDGE_CERT", TestPki.shared().certificate(name).toString());
        env.put("CLAUDE_BRIDGE_KEY", TestPki.shared().key(name).toString());
    }

    /** A token's entry in the configuration: {@code sha256:HEX}. */
    static String sha256(String token) {
        try {
            return "sha256:"
                    + HexFormat.of()
                            .formatHex(MessageDigest.getInstance("SHA-256")
                                    .digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A loopback port free a moment ago. */
    static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Until something listens on {@code host:p} (30 s at most). */
    static void awaitPort(String host, int p) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            try (Socket s = new Socket(host, p)) {
                return;
            } catch (IOException e) {
                Bridge.sleep(50);
            }
        }
        throw new AssertionError("nothing listens on " + host + ":" + p);
    }
}
