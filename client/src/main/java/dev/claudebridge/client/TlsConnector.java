package dev.claudebridge.client;

import dev.claudebridge.protocol.ErrorCode;
import dev.claudebridge.protocol.Pem;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateExpiredException;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * Opens a {@code tls://HOST:PORT} bridge: TLS 1.3, the bridge's certificate checked against
 * {@code CLAUDE_BRIDGE_CA} (else the JVM's CAs) and against the host name, a client certificate from
 * {@code CLAUDE_BRIDGE_CERT}/{@code CLAUDE_BRIDGE_KEY} and a token from {@code CLAUDE_BRIDGE_TOKEN_FILE}
 * when given. The handshake runs here, before any request, so a failure can move on to the next bridge.
 */
final class TlsConnector {
    static final String CA = "CLAUDE_BRIDGE_CA";
    static final String CERT = "CLAUDE_BRIDGE_CERT";
    static final String KEY = "CLAUDE_BRIDGE_KEY";
    static final String TOKEN_FILE = "CLAUDE_BRIDGE_TOKEN_FILE";
    private static final int CONNECT_TIMEOUT_MS = 10_000;
    private static final char[] NO_PASSWORD = new char[0];

    private TlsConnector() {}

    /** @param url {@code tls://HOST:PORT} */
    static Connection connect(String url, Map<String, String> env) throws ConnectException {
        String hostPort = url.substring("tls://".length());
        int colon = hostPort.lastIndexOf(':');
        if (colon <= 0) {
            throw new ConnectException(
                    ErrorCode.BRIDGE_UNAVAILABLE, Messages.unavailable(url, "expected tls://HOST:PORT"));
        }
        String host = hostPort.substring(0, colon).replaceAll("^\\[|\\]$", "");
        int port;
        try {
            port = Integer.parseInt(hostPort.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new ConnectException(ErrorCode.BRIDGE_UNAVAILABLE, Messages.unavailable(url, "not a port number"));
        }
        SSLContext context = context(url, env);
        Optional<String> token = token(url, env);
        SSLSocket s;
        try {
            s = (SSLSocket) context.getSocketFactory().createSocket();
        } catch (IOException e) {
            throw new ConnectException(ErrorCode.BRIDGE_UNAVAILABLE, Messages.unavailable(url, e.toString()));
        }
        try {
            s.connect(new InetSocketAddress(host, port), CONNECT_TIMEOUT_MS);
            s.setTcpNoDelay(true);
            SSLParameters p = s.getSSLParameters();
            p.setProtocols(new String[] {"TLSv1.3"});
            p.setEndpointIdentificationAlgorithm("HTTPS"); // the certificate must name the host dialled
            if (!host.matches("[0-9.]+|.*:.*")) {
                p.setServerNames(List.of(new SNIHostName(host)));
            }
            s.setSSLParameters(p);
            s.startHandshake();
        } catch (SSLException e) {
            close(s);
            throw refused(url, host, e);
        } catch (UnknownHostException e) {
            close(s);
            throw new ConnectException(ErrorCode.BRIDGE_UNAVAILABLE, Messages.unavailable(url, "unknown host " + host));
        } catch (SocketTimeoutException e) {
            close(s);
            throw new ConnectException(
                    ErrorCode.BRIDGE_UNAVAILABLE, Messages.unavailable(url, "no answer within 10 s from " + hostPort));
        } catch (IOException e) {
            close(s);
            throw new ConnectException(
                    ErrorCode.BRIDGE_UNAVAILABLE, Messages.unavailable(url, "cannot connect: " + e.getMessage()));
        }
        return open(s, token);
    }

    private static Connection open(SSLSocket s, Optional<String> token) throws ConnectException {
        InputStream in;
        OutputStream out;
        try {
            in = s.getInputStream();
            out = s.getOutputStream();
        } catch (IOException e) {
            close(s);
            throw new ConnectException(ErrorCode.CONNECTION_LOST, Messages.connectionLost(e.getMessage()));
        }
        return Connection.of(in, out, token, s);
    }

    /** A failed handshake, by what the client itself found wrong (the bridge's refusals arrive later, as alerts). */
    static ConnectException refused(String url, String host, SSLException e) {
        String m = messages(e);
        if (m.contains("No subject alternative") || m.contains("No name matching")) {
            return new ConnectException(ErrorCode.HOST_MISMATCH, Messages.hostMismatch(url, host));
        }
        if (has(e, CertificateExpiredException.class)) {
            return new ConnectException(
                    ErrorCode.CERTIFICATE_REFUSED,
                    Messages.certificateRefused(url, "the bridge's certificate has expired"));
        }
        if (m.contains("PKIX") || m.contains("certification path")) {
            return new ConnectException(
                    ErrorCode.CERTIFICATE_REFUSED,
                    Messages.certificateRefused(
                            url,
                            "the bridge's certificate is not signed by a CA this client trusts" + " (set " + CA
                                    + " to the bridge's CA file)"));
        }
        if (m.contains("Received fatal alert")) {
            return alert(url, m);
        }
        return new ConnectException(
                ErrorCode.BRIDGE_UNAVAILABLE, Messages.unavailable(url, "TLS handshake failed: " + e.getMessage()));
    }

    /** The bridge ended the handshake with an alert: it refused this client's certificate (or a plain peer). */
    static ConnectException alert(String url, String m) {
        return new ConnectException(
                ErrorCode.CERTIFICATE_REFUSED,
                Messages.certificateRefused(
                        url,
                        "the bridge refused this client's certificate (" + m.substring(m.indexOf("alert"))
                                + "): is it signed by the bridge's client CA, still valid, and are " + CERT + " and "
                                + KEY + " set?"));
    }

    static SSLContext context(String url, Map<String, String> env) throws ConnectException {
        try {
            KeyManagerFactory kmf;
            KeyManager[] keys = null;
            if (env.containsKey(CERT) || env.containsKey(KEY)) {
                List<Certificate> chain = Pem.certificates(read(url, env, CERT));
                KeyStore ks = KeyStore.getInstance("PKCS12");
                ks.load(null, null);
                ks.setKeyEntry(
                        "client", Pem.privateKey(read(url, env, KEY)), NO_PASSWORD, chain.toArray(Certificate[]::new));
                kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                kmf.init(ks, NO_PASSWORD);
                keys = new KeyManager[] {new AlwaysPresent((X509ExtendedKeyManager) kmf.getKeyManagers()[0])};
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            if (env.containsKey(CA)) {
                KeyStore ts = KeyStore.getInstance("PKCS12");
                ts.load(null, null);
                List<Certificate> cas = Pem.certificates(read(url, env, CA));
                for (int i = 0; i < cas.size(); i++) {
                    ts.setCertificateEntry("ca-" + i, cas.get(i));
                }
                tmf.init(ts);
            } else {
                tmf.init((KeyStore) null); // the JVM's own CAs
            }
            SSLContext ctx = SSLContext.getInstance("TLSv1.3");
            ctx.init(keys, tmf.getTrustManagers(), null);
            return ctx;
        } catch (GeneralSecurityException | IOException e) {
            throw new ConnectException(
                    ErrorCode.CERTIFICATE_REFUSED,
                    Messages.certificateRefused(
                            url,
                            "cannot use the TLS files (" + CA + ", " + CERT + ", " + KEY + "): " + e.getMessage()));
        }
    }

    /**
     * Offers the client's certificate whatever CAs the bridge names in its request: the JDK's own choice
     * would send none when the issuer is not among them, and the bridge would only see a caller without a
     * certificate; this way the bridge checks it and says why it refuses it.
     */
    private static final class AlwaysPresent extends X509ExtendedKeyManager {
        private final X509ExtendedKeyManager keys;

        AlwaysPresent(X509ExtendedKeyManager keys) {
            this.keys = keys;
        }

        @Override
        public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
            return keys.chooseClientAlias(keyType, null, socket);
        }

        @Override
        public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
            return keys.chooseEngineClientAlias(keyType, null, engine);
        }

        @Override
        public String[] getClientAliases(String keyType, Principal[] issuers) {
            return keys.getClientAliases(keyType, null);
        }

        @Override
        public String[] getServerAliases(String keyType, Principal[] issuers) {
            return null; // a client only
        }

        @Override
        public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
            return null;
        }

        @Override
        public X509Certificate[] getCertificateChain(String alias) {
            return keys.getCertificateChain(alias);
        }

        @Override
        public PrivateKey getPrivateKey(String alias) {
            return keys.getPrivateKey(alias);
        }
    }

    private static byte[] read(String url, Map<String, String> env, String variable) throws ConnectException {
        String file = env.getOrDefault(variable, "");
        try {
            return Files.readAllBytes(Path.of(file));
        } catch (IOException | RuntimeException e) {
            throw new ConnectException(
                    ErrorCode.CERTIFICATE_REFUSED,
                    Messages.certificateRefused(
                            url, variable + " names '" + file + "', which cannot be read (" + e + ")"));
        }
    }

    static Optional<String> token(String url, Map<String, String> env) throws ConnectException {
        String file = env.getOrDefault(TOKEN_FILE, "");
        if (file.isEmpty()) {
            return Optional.empty();
        }
        try {
            String t = Files.readString(Path.of(file), StandardCharsets.UTF_8).strip();
            return t.isEmpty() ? Optional.empty() : Optional.of(t);
        } catch (IOException | RuntimeException e) {
            throw new ConnectException(
                    ErrorCode.TOKEN_REFUSED,
                    Messages.tokenRefused(url, TOKEN_FILE + " names '" + file + "', which cannot be read"));
        }
    }

    /**
     * For the ahead-of-time cache's training run: loads and links what a TLS call's start needs (key
     * stores, key and certificate factories, the TLS context and a ClientHello with its key share), with
     * no peer. A TLS call otherwise spends most of its extra start-up loading these classes.
     */
    static void warmUp() {
        try {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            java.security.cert.CertificateFactory.getInstance("X.509");
            java.security.KeyFactory.getInstance("EC");
            KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm())
                    .init(ks, NO_PASSWORD);
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(ks);
            SSLContext ctx = SSLContext.getInstance("TLSv1.3");
            ctx.init(null, tmf.getTrustManagers(), null);
            SSLEngine engine = ctx.createSSLEngine("localhost", 1);
            engine.setUseClientMode(true);
            SSLParameters p = engine.getSSLParameters();
            p.setProtocols(new String[] {"TLSv1.3"});
            p.setEndpointIdentificationAlgorithm("HTTPS");
            p.setServerNames(List.of(new SNIHostName("localhost")));
            engine.setSSLParameters(p);
            engine.beginHandshake();
            java.nio.ByteBuffer out =
                    java.nio.ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
            engine.wrap(java.nio.ByteBuffer.allocate(0), out); // the ClientHello
            ctx.getSocketFactory().createSocket().close();
        } catch (GeneralSecurityException | IOException | RuntimeException e) {
            // a training run that fails only makes a smaller cache
        }
    }

    private static String messages(Throwable e) {
        StringBuilder b = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            b.append(t.getMessage()).append('\n');
        }
        return b.toString();
    }

    private static boolean has(Throwable e, Class<? extends Throwable> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    private static void close(SSLSocket s) {
        try {
            s.close();
        } catch (IOException e) {
            // gone already
        }
    }
}
