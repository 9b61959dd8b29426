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
import java.util.concurrent.TimeUnit;

/**
 * Certificates made by the test with the JDK's keytool: a CA, and leaves it signs (with the names and
 * validity a test asks for), each as PEM files a daemon or a client reads ({@code NAME.crt},
 * {@code NAME.key} in PKCS#8).
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

    /** A new CA named {@code name} in {@code dir}; its certificate is {@code name.crt}. */
    static TestPki ca(Path dir, String name) {
        keytool(
                dir,
                "-genkeypair",
                "-alias",
                name,
                "-keyalg",
                "EC",
                "-groupname",
                "secp256r1",
                "-dname",
                "CN=" + name,
                "-ext",
                "bc:c",
                "-validity",
                "30",
                "-keystore",
                name + ".p12",
                "-storetype",
                "PKCS12");
        keytool(dir, "-exportcert", "-alias", name, "-keystore", name + ".p12", "-rfc", "-file", name + ".crt");
        return new TestPki(dir, name);
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
        keytool(
                dir,
                "-genkeypair",
                "-alias",
                name,
                "-keyalg",
                "EC",
                "-groupname",
                "secp256r1",
                "-dname",
                dname,
                "-validity",
                "30",
                "-keystore",
                name + ".p12",
                "-storetype",
                "PKCS12");
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
