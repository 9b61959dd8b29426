package dev.claudebridge.daemon.policy;

import dev.claudebridge.protocol.ErrorCode;

/**
 * Policy's answer "no": the message is for the caller and names what to change (and, where a
 * profile can allow it, how), the rule is for the audit log ("" when none applies). The session
 * engine turns it into its refusal.
 */
public final class Denial extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final ErrorCode code;
    private final String rule;

    public Denial(ErrorCode code, String message) {
        this(code, "", message);
    }

    public Denial(ErrorCode code, String rule, String message) {
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
