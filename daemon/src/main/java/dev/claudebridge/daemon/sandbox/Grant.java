package dev.claudebridge.daemon.sandbox;

import dev.claudebridge.daemon.sandbox.Credential.Kind;
import java.nio.file.Path;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * One request's right to use the proxy: a random placeholder credential that the proxy accepts until
 * the grant is closed. Closing refuses the placeholder's next requests; one already forwarded runs
 * to its end (the sandbox it came from is ended with the request anyway). The counters stay readable
 * after closing.
 */
public final class Grant implements AutoCloseable {
    private final String requestId;
    private final Kind kind;
    private final String placeholder;
    private final Consumer<Grant> onClose;
    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong bytesUp = new AtomicLong();
    private final AtomicLong bytesDown = new AtomicLong();
    private volatile int lastStatus;

    Grant(String requestId, Kind kind, String placeholder, Consumer<Grant> onClose) {
        this.requestId = requestId;
        this.kind = kind;
        this.placeholder = placeholder;
        this.onClose = onClose;
    }

    /** The daemon's id of the request this grant is for; it names the grant in logs. */
    public String requestId() {
        return requestId;
    }

    /** The kind of the real credential when the grant was made: the sandboxed claude must use the same. */
    public Kind kind() {
        return kind;
    }

    /** The placeholder to give the sandboxed claude in {@code kind().variable()}; never log it. */
    public String placeholder() {
        return placeholder;
    }

    /**
     * The variables that point a sandboxed claude at the proxy: {@code ANTHROPIC_UNIX_SOCKET} (the socket's
     * path as the sandbox sees it), {@code ANTHROPIC_BASE_URL} ({@link CredentialProxy#BASE_URL}) and the
     * placeholder in the variable of the credential's kind. In an interactive session claude asks before
     * it uses an {@code ANTHROPIC_API_KEY} it has not seen; the last 20 characters of an approved key are
     * listed under {@code customApiKeyResponses.approved} in its {@code ~/.claude.json}.
     */
    public Map<String, String> environment(Path socketInSandbox) {
        return Map.of(
                "ANTHROPIC_UNIX_SOCKET",
                socketInSandbox.toString(),
                "ANTHROPIC_BASE_URL",
                CredentialProxy.BASE_URL,
                kind.variable(),
                placeholder);
    }

    /** What this grant's requests have used so far. */
    public Usage usage() {
        int status = lastStatus;
        return new Usage(
                requests.get(),
                bytesUp.get(),
                bytesDown.get(),
                status == 0 ? OptionalInt.empty() : OptionalInt.of(status));
    }

    /** Refuses the placeholder from now on; closing twice is harmless. */
    @Override
    public void close() {
        onClose.accept(this);
    }

    @Override
    public String toString() {
        return "Grant[" + requestId + ", " + kind + ", " + Credential.fingerprint(placeholder) + "]";
    }

    void forwarded() {
        requests.incrementAndGet();
    }

    void sent(long bytes) {
        bytesUp.addAndGet(bytes);
    }

    void received(long bytes) {
        bytesDown.addAndGet(bytes);
    }

    void status(int status) {
        lastStatus = status;
    }
}
