package dev.claudebridge.daemon.transport;

import dev.claudebridge.daemon.session.BridgeSettings;
import dev.claudebridge.daemon.session.Peer;
import dev.claudebridge.daemon.session.Principal;
import dev.claudebridge.daemon.session.Refusal;
import dev.claudebridge.protocol.ErrorCode;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.Optional;

/**
 * Who a network caller is, the same way on every network listener (TLS, WebSocket): the client
 * certificate the listener's CA vouched for during the TLS handshake, else the HELLO's bearer token
 * checked against the current settings (so a reload revokes it), else refused.
 */
final class ClientAuthentication {
    private ClientAuthentication() {}

    static Peer peer(
            String listener,
            Optional<X509Certificate> certificate,
            Peer accepted,
            Optional<String> token,
            BridgeSettings settings) {
        if (certificate.isPresent()) {
            X509Certificate c = certificate.get();
            return accepted.as(
                    new Principal.Certificate(c.getSubjectX500Principal().getName(), fingerprint(c)));
        }
        if (token.isEmpty()) {
            throw new Refusal(
                    ErrorCode.TOKEN_REFUSED,
                    "tls-authentication",
                    "this bridge listener needs a client certificate or a bearer token, and the client sent neither"
                            + " (set CLAUDE_BRIDGE_TOKEN_FILE, or CLAUDE_BRIDGE_CERT and CLAUDE_BRIDGE_KEY)");
        }
        return settings.profiles()
                .tokens(listener)
                .nameOf(token.get())
                .map(n -> accepted.as(new Principal.Token(n)))
                .orElseThrow(() -> new Refusal(
                        ErrorCode.TOKEN_REFUSED,
                        "tls-authentication",
                        "the bridge does not accept this token (unknown or revoked); ask the bridge's operator for"
                                + " a new one"));
    }

    /** {@code sha256:HEX} of the certificate's DER form, as {@code openssl x509 -fingerprint -sha256} shows it. */
    static String fingerprint(X509Certificate c) {
        try {
            return "sha256:"
                    + HexFormat.of()
                            .formatHex(MessageDigest.getInstance("SHA-256").digest(c.getEncoded()));
        } catch (NoSuchAlgorithmException | CertificateEncodingException e) {
            throw new IllegalStateException(e);
        }
    }
}
