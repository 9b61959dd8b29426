package dev.claudebridge.daemon.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * A listener's TCP + TLS side ({@code tls:} in a {@code listeners:} entry). The PEM files are read when
 * the listener starts and again on every reload, so a renewed certificate or CA needs no restart.
 * Callers must authenticate: by a certificate the client CA signed, or by a bearer token whose hash is
 * listed here; a listener with neither is a configuration problem.
 *
 * @param listen {@code HOST:PORT} to listen on (an IP address or a name; {@code [::1]:PORT} for IPv6); empty:
 *     no TLS, the entry is a Unix socket
 * @param certificate the server's certificate chain (PEM), leaf first
 * @param key the server's private key (PEM, PKCS#8: {@code BEGIN PRIVATE KEY})
 * @param clientCa the CA certificates (PEM) whose client certificates are accepted; empty: no mutual TLS
 * @param tokens {@code NAME=sha256:HEX} entries, the SHA-256 of each agent's token (made by
 *     {@code claude-bridge token NAME}); the token itself is never stored
 * @param websocket the same TLS and the same authentication, but WebSocket ({@code wss://HOST:PORT/claude-bridge},
 *     docs/PROTOCOL.md) instead of frames straight on the TLS stream: for HTTP proxies and other languages' clients
 */
public record TlsConfig(
        Optional<String> listen,
        Optional<Path> certificate,
        Optional<Path> key,
        Optional<Path> clientCa,
        List<String> tokens,
        boolean websocket) {
    static final Table<TlsConfig> TABLE = new Table<>(v -> new TlsConfig(
            v.get(TlsConfig.LISTEN),
            v.get(TlsConfig.CERTIFICATE),
            v.get(TlsConfig.KEY),
            v.get(TlsConfig.CLIENT_CA),
            v.get(TlsConfig.TOKENS),
            v.get(TlsConfig.WEBSOCKET)));

    public static final Setting<TlsConfig, Optional<String>> LISTEN =
            TABLE.scalar("listen", Optional.empty(), TlsConfig::hostPort, o -> o.orElse(""), TlsConfig::listen);
    public static final Setting<TlsConfig, Optional<Path>> CERTIFICATE =
            TABLE.path("certificate", TlsConfig::certificate);
    public static final Setting<TlsConfig, Optional<Path>> KEY = TABLE.path("key", TlsConfig::key);
    public static final Setting<TlsConfig, Optional<Path>> CLIENT_CA = TABLE.path("client-ca", TlsConfig::clientCa);
    public static final Setting<TlsConfig, List<String>> TOKENS =
            TABLE.list("tokens", List.of(), TlsConfig::tokenEntry, TlsConfig::tokens);

    public static final Setting<TlsConfig, Boolean> WEBSOCKET = TABLE.bool("websocket", false, TlsConfig::websocket);

    public TlsConfig {
        tokens = List.copyOf(tokens);
    }

    public static TlsConfig defaults() {
        return TABLE.defaults();
    }

    public boolean enabled() {
        return listen.isPresent();
    }

    /** The host of {@code listen}: a name or an IP address, an IPv6 literal without its brackets. */
    public String host() {
        String l = listen.orElseThrow();
        return l.substring(0, l.lastIndexOf(':')).replaceAll("^\\[|\\]$", "");
    }

    /** The port of {@code listen}. */
    public int port() {
        String l = listen.orElseThrow();
        return Integer.parseInt(l.substring(l.lastIndexOf(':') + 1));
    }

    /** What is missing for this listener to start, if anything. */
    public Optional<String> problem() {
        if (certificate.isEmpty() || key.isEmpty()) {
            return Optional.of("a TLS listener needs its certificate and key (PEM files)");
        }
        if (clientCa.isEmpty() && tokens.isEmpty()) {
            return Optional.of("a TLS listener needs client authentication: a client-ca (mutual TLS), tokens, or both;"
                    + " the bridge does not serve anonymous network callers");
        }
        return Optional.empty();
    }

    private static Optional<String> hostPort(String v) {
        if (v.isEmpty()) {
            return Optional.empty();
        }
        int colon = v.lastIndexOf(':');
        if (colon <= 0 || !v.substring(colon + 1).matches("[0-9]{1,5}")) {
            throw new IllegalArgumentException("expected HOST:PORT, e.g. 0.0.0.0:8443, got '" + v + "'");
        }
        Units.integer(v.substring(colon + 1), 1, 65535);
        return Optional.of(v);
    }

    private static String tokenEntry(String v) {
        if (!v.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,63}=sha256:[0-9a-f]{64}")) {
            throw new IllegalArgumentException("a token entry is NAME=sha256:HEX (64 lowercase hex digits), as"
                    + " 'claude-bridge token NAME' prints it; got '"
                    + (v.contains("=") ? v.substring(0, v.indexOf('=')) : "?")
                    + "=…'");
        }
        return v;
    }
}
