package dev.claudebridge.it;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Certificates made by the test with the JDK's keytool: a CA, and leaves it signs (with the names and
 * validity a test asks for), each as PEM files a daemon or a client reads ({@code NAME.crt},
 * {@code NAME.key} in PKCS#8). Suites share one set made once per test JVM ({@link #shared()}).
 */
final class TestPki {
    private static final String PASS = "password";
    private static final Path KEYTOOL = Path.of(System.getProperty("java.home"), "bin", "keytool");

    private final Path dir;
    private final String ca;

    private TestPki(Path dir, String ca) {
        this.dir = dir;
        this.ca = ca;
    }

    /** The subject of the shared PKI's agent certificates ({@code agent}, and {@code stranger} of the stranger CA). */
    static final String AGENT_SUBJECT = "CN=agent-1,O=test";

    private static TestPki shared;
    private static TestPki stranger;

    /**
     * One PKI for the whole test JVM, as keytool costs about a second a call: the CA {@code test-ca} and
     * its leaves {@code server} (127.0.0.1, localhost), {@code wrong-name} (elsewhere.example),
     * {@code agent} ({@link #AGENT_SUBJECT}) and {@code expired}; and {@link #stranger()}. Made on first
     * use, removed when the JVM exits. A suite that needs another leaf adds one under a name of its own.
     */
    static synchronized TestPki shared() {
        if (shared == null) {
            Path dir = Bridge.tempDir();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> Bridge.deleteTree(dir)));
            TestPki ca = ca(dir, "test-ca");
            TestPki other = ca(dir, "stranger-ca");
            // two at a time: each is a keytool JVM or three
            ExecutorService pool = Executors.newFixedThreadPool(2);
            try {
                List.of(
                                CompletableFuture.runAsync(
                                        () -> ca.leaf("server", "CN=bridge", "ip:127.0.0.1,dns:localhost", false),
                                        pool),
                                CompletableFuture.runAsync(
                                        () -> ca.leaf("wrong-name", "CN=elsewhere", "dns:elsewhere.example", false),
                                        pool),
                                CompletableFuture.runAsync(() -> ca.leaf("agent", AGENT_SUBJECT, "", false), pool),
                                CompletableFuture.runAsync(
                                        () -> ca.leaf("expired", "CN=agent-old,O=test", "", true), pool),
                                CompletableFuture.runAsync(
                                        () -> other.leaf("stranger", AGENT_SUBJECT, "", false), pool))
                        .forEach(CompletableFuture::join);
            } finally {
                pool.shutdown();
            }
            stranger = other;
            shared = ca;
        }
        return shared;
    }

    /** A CA nobody trusts, with the shared PKI; its leaf {@code stranger} bears {@link #AGENT_SUBJECT}. */
    static synchronized TestPki stranger() {
        shared();
        return stranger;
    }

    /** A leaf's certificate, {@code name.crt}. */
    Path certificate(String name) {
        return dir.resolve(name + ".crt");
    }

    /** A leaf's key, {@code name.key} (PKCS#8). */
    Path key(String name) {
        return dir.resolve(name + ".key");
    }

    /** A new CA named {@code name} in {@code dir}; its certificate is {@code name.crt}. */
    static TestPki ca(Path dir, String name) {
        keyPair(dir, name, "CN=" + name, "-ext", "bc:c");
        keytool(dir, "-exportcert", "-alias", name, "-keystore", name + ".p12", "-rfc", "-file", name + ".crt");
        return new TestPki(dir, name);
    }

    /** A key pair and its self-signed certificate in {@code alias.p12}. */
    private static void keyPair(Path dir, String alias, String dname, String... more) {
        List<String> args = new ArrayList<>(
                List.of("-genkeypair", "-alias", alias, "-keyalg", "EC", "-groupname", "secp256r1", "-dname", dname));
        args.addAll(List.of(more));
        args.addAll(List.of("-validity", "30", "-keystore", alias + ".p12", "-storetype", "PKCS12"));
        keytool(dir, args.toArray(String[]::new));
    }

    Path caCertificate() {
        return dir.resolve(ca + ".crt");
    }

    /**
     * A leaf this CA signs: {@code name.crt} and {@code name.key}.
     *
     * @param dname its subject, e.g. {@code CN=agent-1,O=test}
     * @param san its subject alternative names ({@code ip:127.0.0.1,dns:localhost}), or "" for none
     * @param expired whether its validity ended days ago
     */
    Path leaf(String name, String dname, String san, boolean expired) {
        keyPair(dir, name, dname);
        keytool(dir, "-certreq", "-alias", name, "-keystore", name + ".p12", "-file", name + ".csr");
        List<String> sign = new ArrayList<>(List.of(
                "-gencert",
                "-alias",
                ca,
                "-keystore",
                ca + ".p12",
                "-infile",
                name + ".csr",
                "-outfile",
                name + ".crt",
                "-rfc"));
        if (!san.isEmpty()) {
            sign.addAll(List.of("-ext", "SAN=" + san));
        }
        sign.addAll(expired ? List.of("-startdate", "-10d", "-validity", "2") : List.of("-validity", "30"));
        keytool(dir, sign.toArray(String[]::new));
        writeKey(dir.resolve(name + ".p12"), name, dir.resolve(name + ".key"));
        return dir.resolve(name + ".crt");
    }

    private static void writeKey(Path p12, String alias, Path to) {
        try (InputStream in = Files.newInputStream(p12)) {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(in, PASS.toCharArray());
            byte[] der = ks.getKey(alias, PASS.toCharArray()).getEncoded(); // PKCS#8
            Files.writeString(
                    to,
                    "-----BEGIN PRIVATE KEY-----\n"
                            + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der)
                            + "\n-----END PRIVATE KEY-----\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void keytool(Path dir, String... args) {
        List<String> cmd = new ArrayList<>(List.of(KEYTOOL.toString(), "-J-XX:TieredStopAtLevel=1"));
        cmd.addAll(List.of(args));
        cmd.addAll(List.of("-storepass", PASS, "-noprompt"));
        try {
            Process p = new ProcessBuilder(cmd)
                    .directory(dir.toFile())
                    .redirectErrorStream(true)
                    .start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException("keytool " + String.join(" ", args) + " failed:\n" + new String(out));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
