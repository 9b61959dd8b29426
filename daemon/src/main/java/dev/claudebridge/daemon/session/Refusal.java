package dev.claudebridge.daemon.session;

import dev.claudebridge.protocol.ErrorCode;

/**
 * A request the engine will not run: the message is for the caller and names what to change, the
 * code is the ERROR frame's (and the client's exit status), the rule is for the audit log (e.g.
 * {@code --dangerously-skip-permissions}, {@code max-args}; "" when none applies). Raised by the engine
 * itself and by what plugs into it ({@link Admission}, {@link SessionListener}); policy's own
 * {@code Denial}s become one at the engine's boundary.
 */
public final class Refusal extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final ErrorCode code;
    private final String rule;

    public Refusal(ErrorCode code, String message) {
        this(code, "", message);
    }

    public Refusal(ErrorCode code, String rule, String message) {
        super(message);
        this.code = code;
        this.rule = rule;
    }

    public ErrorCode code() {
        return code;
    }

    public String rule() {
        return rule;
    }
}
