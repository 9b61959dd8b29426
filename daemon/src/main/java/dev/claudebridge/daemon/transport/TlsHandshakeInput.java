package dev.claudebridge.daemon.transport;

import dev.claudebridge.daemon.session.PeerRefused;
import dev.claudebridge.protocol.ErrorCode;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSocket;

/**
 * A TLS connection's input that runs the handshake on its first read and turns a failed one into a
 * {@link PeerRefused} that says why in words an operator can act on: an unknown or expired client
 * certificate, a client that refused the bridge's certificate, plaintext on the TLS port, a handshake
 * that did not finish within the deadline.
 */
final class TlsHandshakeInput extends FilterInputStream {
    private final SSLSocket ssl;
    private final Socket plain;
    private volatile boolean shaken;
    private volatile boolean closedHere;

    TlsHandshakeInput(SSLSocket ssl, Socket plain) {
        super(null);
        this.ssl = ssl;
        this.plain = plain;
    }

    /**
     * The daemon is closing this connection (its handshake-timeout): a handshake failing from now on
     * failed because of that. The socket's own state cannot tell: a TLS socket closes its transport itself
     * on a fatal alert, so a client that refused the bridge's certificate would look timed out.
     */
    void closingHere() {
        closedHere = true;
    }

    /** Whether the handshake is done. */
    boolean shaken() {
        return shaken;
    }

    private InputStream stream() throws IOException {
        if (!shaken) {
            try {
                ssl.startHandshake();
            } catch (IOException e) {
                throw refusal(e);
            }
            in = ssl.getInputStream();
            shaken = true;
        }
        return in;
    }

    @Override
    public int read() throws IOException {
        return stream().read();
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        return stream().read(b, off, len);
    }

    @Override
    public int available() throws IOException {
        return shaken ? in.available() : 0;
    }

    @Override
    public void close() throws IOException {
        ssl.close();
    }

    private PeerRefused refusal(IOException e) {
        String from = "TLS handshake with " + plain.getInetAddress().getHostAddress() + " failed: ";
        if (closedHere) {
            return new PeerRefused(
                    ErrorCode.CONNECTION_LOST,
                    from + "not finished within the handshake-timeout (a stalled or slow client)",
                    e);
        }
        if (has(e, CertificateExpiredException.class)) {
            return new PeerRefused(ErrorCode.CERTIFICATE_REFUSED, from + "the client's certificate has expired", e);
        }
        if (has(e, CertificateNotYetValidException.class)) {
            return new PeerRefused(
                    ErrorCode.CERTIFICATE_REFUSED, from + "the client's certificate is not valid yet", e);
        }
        String m = String.valueOf(e.getMessage());
        if (has(e, java.io.EOFException.class) || m.contains("Remote host terminated")) {
            return new PeerRefused(ErrorCode.CONNECTION_LOST, from + "the client closed the connection", e);
        }
        if (has(e, CertPathValidatorException.class) || m.contains("PKIX") || m.contains("certification path")) {
            return new PeerRefused(
                    ErrorCode.CERTIFICATE_REFUSED,
                    from + "the client's certificate is not signed by this listener's client-ca",
                    e);
        }
        if (m.contains("Empty client certificate chain") || m.contains("certificate_required")) {
            return new PeerRefused(
                    ErrorCode.CERTIFICATE_REFUSED,
                    from + "the client sent no certificate, and this listener needs one",
                    e);
        }
        if (m.contains("Received fatal alert")) {
            // the client's verdict on our certificate: an unknown CA, or a name that is not the host it dialled
            return new PeerRefused(
                    ErrorCode.CERTIFICATE_REFUSED,
                    from + "the client refused the bridge's certificate (" + m.substring(m.indexOf("alert")) + ")",
                    e);
        }
        if (m.contains("Unsupported or unrecognized SSL message") || m.contains("plaintext")) {
            return new PeerRefused(
                    ErrorCode.PROTOCOL_MISMATCH, from + "the client does not speak TLS (plaintext on the TLS port)", e);
        }
        if (e instanceof SSLHandshakeException || e instanceof SSLException) {
            return new PeerRefused(ErrorCode.CERTIFICATE_REFUSED, from + m, e);
        }
        return new PeerRefused(ErrorCode.CONNECTION_LOST, from + "the client went away (" + m + ")", e);
    }

    private static boolean has(Throwable e, Class<? extends Throwable> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }
}
