package dev.claudebridge.daemon.policy;

import dev.claudebridge.protocol.ErrorCode;

/**
 * A request was refused by policy; the message is for the caller and names what to change, the rule
 * is for the audit log (e.g. {@code --dangerously-skip-permissions}, {@code max-args}; "" when none applies).
 */
public final class PolicyException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final ErrorCode code;
    private final String rule;

    public PolicyException(ErrorCode code, String message) {
        this(code, "", message);
    }

    public PolicyException(ErrorCode code, String rule, String message) {
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
