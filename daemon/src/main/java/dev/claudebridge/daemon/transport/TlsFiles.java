package dev.claudebridge.daemon.transport;

import dev.claudebridge.daemon.config.BridgeConfig;
import dev.claudebridge.daemon.config.ListenerConfig;
import dev.claudebridge.daemon.config.TlsConfig;
import dev.claudebridge.daemon.session.BridgeSettings;
import dev.claudebridge.protocol.Pem;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.util.List;
import java.util.Optional;
import java.util.function.BiConsumer;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A TLS listener's PEM files made into an {@link SSLContext}: the server's chain and PKCS#8 key, and the
 * client CAs (none: an empty trust store, so no client certificate can pass). Read at start and on each
 * reload; any problem is a {@link ListenerException} naming the file.
 */
final class TlsFiles {
    private static final char[] NO_PASSWORD = new char[0];
    private static final Logger LOG = LoggerFactory.getLogger(TlsFiles.class);

    private TlsFiles() {}

    /**
     * A network listener's TLS side, checked before it binds.
     *
     * @throws ListenerException when the certificate, the key or client authentication is missing
     */
    static TlsConfig checked(ListenerConfig c) {
        c.tls().problem().ifPresent(p -> {
            throw new ListenerException(c.name() + ": " + p);
        });
        return c.tls();
    }

    /**
     * A reload for the network listener called {@code name}: its files read again and handed to
     * {@code use} with its new configuration; on a problem the listener keeps what it has, and the log
     * says why.
     */
    static void reload(BridgeSettings settings, String name, BiConsumer<TlsConfig, SSLContext> use) {
        settings.config().listeners().stream()
                .filter(l -> l.name().equals(name))
                .findFirst()
                .ifPresent(l -> {
                    try {
                        use.accept(l.tls(), context(l.tls()));
                        LOG.info("{}: TLS certificate, key and client CA read again", name);
                    } catch (RuntimeException e) {
                        LOG.error("{}: keeping the TLS files read before: {}", name, e.getMessage());
                    }
                });
    }

    /** Why the network listener called {@code name} could not serve with {@code next}'s TLS files, if it could not. */
    static Optional<String> check(BridgeConfig next, String name) {
        return next.listeners().stream()
                .filter(l -> l.name().equals(name))
                .findFirst()
                .flatMap(l -> {
                    try {
                        context(checked(l));
                        return Optional.empty();
                    } catch (RuntimeException e) {
                        return Optional.of(name + ": " + e.getMessage());
                    }
                });
    }

    static SSLContext context(TlsConfig c) {
        Path certFile = c.certificate().orElseThrow();
        Path keyFile = c.key().orElseThrow();
        try {
            List<Certificate> chain = certificates(certFile);
            if (chain.isEmpty()) {
                throw new ListenerException("no certificate in " + certFile);
            }
            KeyStore keys = KeyStore.getInstance("PKCS12");
            keys.load(null, null);
            keys.setKeyEntry("bridge", privateKey(keyFile), NO_PASSWORD, chain.toArray(Certificate[]::new));
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(keys, NO_PASSWORD);
            KeyStore trusted = KeyStore.getInstance("PKCS12");
            trusted.load(null, null);
            if (c.clientCa().isPresent()) {
                List<Certificate> cas = certificates(c.clientCa().get());
                if (cas.isEmpty()) {
                    throw new ListenerException("no certificate in the client CA file "
                            + c.clientCa().get());
                }
                for (int i = 0; i < cas.size(); i++) {
                    trusted.setCertificateEntry("client-ca-" + i, cas.get(i));
                }
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
            tmf.init(trusted);
            SSLContext ctx = SSLContext.getInstance("TLSv1.3");
            ctx.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
            return ctx;
        } catch (IOException | GeneralSecurityException e) {
            throw new ListenerException(
                    "cannot use the TLS files " + certFile + ", " + keyFile
                            + c.clientCa().map(p -> ", " + p).orElse("") + ": " + e.getMessage(),
                    e);
        }
    }

    private static List<Certificate> certificates(Path file) throws IOException, GeneralSecurityException {
        return Pem.certificates(Files.readAllBytes(file));
    }

    private static PrivateKey privateKey(Path file) throws IOException, GeneralSecurityException {
        try {
            return Pem.privateKey(Files.readAllBytes(file));
        } catch (GeneralSecurityException e) {
            throw new GeneralSecurityException(file + ": " + e.getMessage(), e);
        }
    }
}
