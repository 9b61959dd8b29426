package dev.claudebridge.daemon.policy;

import dev.claudebridge.protocol.ErrorCode;

/** A request was refused by policy; the message is for the caller and names what to change. */
public final class PolicyException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final ErrorCode code;

    public PolicyException(ErrorCode code, String message) {
        super(message);
        this.code = code;
    }

    public ErrorCode code() {
        return code;
    }
}
