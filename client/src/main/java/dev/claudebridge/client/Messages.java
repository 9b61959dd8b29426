package dev.claudebridge.client;

/** Everything the client itself prints. The first is the seed design's message, word for word. */
final class Messages {
    private Messages() {}

    static String unavailable(String socket, String why) {
        return "Claude Code Bridge Error: Unable to connect to host\n"
                + "\n"
                + "To use Claude Code in this container:\n"
                + "1. Ensure claude-bridge service is running on host\n"
                + "2. Check socket mount at " + socket + "\n"
                + "3. Verify host has Claude Code installed and authenticated\n"
                + "\n"
                + "Alternative: Use Task Master with API-based models instead\n"
                + "\n"
                + "Details: " + why + "\n";
    }

    static String permissionDenied(String socket) {
        return "claude-bridge: permission denied on " + socket + "\n"
                + "This user (uid " + uid() + ") may not connect to the bridge socket. Run the container with a\n"
                + "user or group that the socket allows (the daemon's socket-mode and socket-group settings).\n";
    }

    static String protocolMismatch(String detail) {
        return "claude-bridge: protocol mismatch: " + detail + "\n"
                + "The container's claude client and the host's claude-bridge daemon must speak the same\n"
                + "protocol version: update the older of the two.\n";
    }

    static String connectionLost(String detail) {
        return "\nclaude-bridge: connection to the bridge lost before claude finished (" + detail + ").\n"
                + "The daemon may have stopped or restarted; the host process has been ended.\n";
    }

    static String certificateRefused(String url, String why) {
        return "claude-bridge: certificate refused on " + url + ": " + why + "\n";
    }

    static String tokenRefused(String url, String why) {
        return "claude-bridge: token refused on " + url + ": " + why + "\n";
    }

    static String hostMismatch(String url, String host) {
        return "claude-bridge: host name mismatch on " + url + ": the bridge's certificate does not name " + host
                + ".\nConnect by a name (or address) the certificate lists, or give the bridge a certificate for "
                + host + ".\n";
    }

    static String badArgument(String what) {
        return "claude-bridge: " + what + "\n";
    }

    private static String uid() {
        try {
            Object uid = java.nio.file.Files.getAttribute(java.nio.file.Path.of("/proc/self"), "unix:uid");
            return String.valueOf(uid);
        } catch (Exception e) {
            return "?";
        }
    }
}
