package dev.claudebridge.daemon.sandbox;

/**
 * A destination the network proxy does not connect to. The message is one line, safe to log and to send
 * back to the sandbox: it names the destination and the reason, nothing of the request beyond that.
 */
final class NetworkRefusal extends RuntimeException {
    private static final long serialVersionUID = 1L;

    NetworkRefusal(String reason) {
        super(reason, null, false, false);
    }
}
