package dev.claudebridge.client;

import dev.claudebridge.protocol.ErrorCode;

/** The bridge could not be reached; the message says why, the code says how the client exits. */
final class ConnectException extends Exception {
    private static final long serialVersionUID = 1L;
    private final ErrorCode code;

    ConnectException(ErrorCode code, String message) {
        super(message);
        this.code = code;
    }

    ErrorCode code() {
        return code;
    }
}
