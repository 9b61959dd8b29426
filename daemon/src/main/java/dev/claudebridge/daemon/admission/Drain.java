package dev.claudebridge.daemon.admission;

import dev.claudebridge.daemon.session.Refusal;
import dev.claudebridge.protocol.ErrorCode;

/** The refusal a draining daemon gives new requests: the shutdown's code, so callers retry as after one. */
final class Drain {
    /** The policy rule the audit names for a request refused while draining. */
    static final String RULE = "drain";

    private Drain() {}

    static Refusal refusal() {
        return new Refusal(
                ErrorCode.SHUTTING_DOWN,
                RULE,
                "the bridge is draining: an operator asked it to finish its running requests and start no new"
                        + " ones; try again later, or on another bridge");
    }
}
