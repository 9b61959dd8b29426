package dev.claudebridge.daemon.config;

import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Optional;
import java.util.Set;

/**
 * One agents' socket ({@code listeners:} entry).
 *
 * @param socket the socket's path (absolute)
 * @param mode its file mode, e.g. {@code 0660}
 * @param owner user to chown the socket to (name or uid); empty leaves the daemon's user
 * @param group group to chgrp the socket to (name or gid); empty leaves the daemon's group
 * @param profile the profile of connections arriving here, unless a profile's peer rule matches first; empty:
 *     only callers that a profile's {@code match} rule names are served here
 */
public record ListenerConfig(
        Path socket, int mode, Optional<String> owner, Optional<String> group, Optional<String> profile) {
    public static final int DEFAULT_MODE = 0660;

    public ListenerConfig {
        if (mode < 0 || mode > 0777) {
            throw new IllegalArgumentException("mode must be between 0000 and 0777: " + Integer.toOctalString(mode));
        }
    }

    public static ListenerConfig defaults() {
        return new ListenerConfig(
                Defaults.socket(),
                DEFAULT_MODE,
                Optional.empty(),
                Optional.empty(),
                Optional.of(BridgeConfig.DEFAULT_PROFILE));
    }

    /** The mode as permissions, for the socket file. */
    public Set<PosixFilePermission> permissions() {
        return Defaults.permissions(mode);
    }

    /** The mode as four octal digits, e.g. "0660". */
    public String modeString() {
        return String.format("%04o", mode);
    }

    /** The name this listener is known by in logs, the audit log and {@link dev.claudebridge.daemon.session.Peer}: its path. */
    public String name() {
        return socket.toString();
    }

    public ListenerConfig withSocket(Path s) {
        return new ListenerConfig(s, mode, owner, group, profile);
    }

    public ListenerConfig withMode(int m) {
        return new ListenerConfig(socket, m, owner, group, profile);
    }
}
