package dev.claudebridge.protocol;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.List;

/**
 * PEM text as TLS on either side of a network connection needs it: certificates (X.509, as many as the
 * text holds) and a PKCS#8 private key of any algorithm the JDK knows. Shared by the daemon's TLS
 * listener and the client, so both read the same files the same way.
 */
public final class Pem {
    private static final String BEGIN_KEY = "-----BEGIN PRIVATE KEY-----";
    private static final String END_KEY = "-----END PRIVATE KEY-----";

    private Pem() {}

    /** Every certificate in the text, in order. */
    public static List<Certificate> certificates(byte[] pem) throws GeneralSecurityException {
        return List.copyOf(CertificateFactory.getInstance("X.509").generateCertificates(new ByteArrayInputStream(pem)));
    }

    /**
     * The text's PKCS#8 key ({@code BEGIN PRIVATE KEY}): RSA, EC, Ed25519 or Ed448.
     *
     * @throws GeneralSecurityException naming what is wrong (another PEM type says how to convert it)
     */
    public static PrivateKey privateKey(byte[] pem) throws GeneralSecurityException {
        String text = new String(pem, StandardCharsets.US_ASCII);
        int from = text.indexOf(BEGIN_KEY);
        int to = text.indexOf(END_KEY);
        if (from < 0 || to < from) {
            throw new GeneralSecurityException(
                    "no PKCS#8 key (BEGIN PRIVATE KEY); convert it with openssl pkcs8 -topk8 -nocrypt");
        }
        PKCS8EncodedKeySpec spec =
                new PKCS8EncodedKeySpec(Base64.getMimeDecoder().decode(text.substring(from + BEGIN_KEY.length(), to)));
        GeneralSecurityException last = null;
        for (String alg : List.of("RSA", "EC", "Ed25519", "Ed448")) {
            try {
                return KeyFactory.getInstance(alg).generatePrivate(spec);
            } catch (GeneralSecurityException e) {
                last = e;
            }
        }
        throw new GeneralSecurityException("a key of no algorithm this JDK knows", last);
    }
}
