package dev.claudebridge.daemon.config;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * One agents' socket ({@code listeners:} entry).
 *
 * @param socket the socket's path (absolute)
 * @param mode its file mode, e.g. {@code 0660}
 * @param owner user to chown the socket to (name or uid); empty leaves the daemon's user
 * @param group group to chgrp the socket to (name or gid); empty leaves the daemon's group
 * @param profile the profile of connections arriving here, unless a profile's peer rule matches first; empty:
 *     only callers that a profile's {@code match} rule names are served here
 * @param tls when it has an address, this entry is a TCP + TLS listener instead of a socket
 */
public record ListenerConfig(
        Path socket,
        int mode,
        Optional<String> owner,
        Optional<String> group,
        Optional<String> profile,
        TlsConfig tls) {
    /** What the JDK can bind (the listener checks it again): a longer path is a problem of the file. */
    private static final int MAX_PATH_BYTES = 106;

    static final Table<ListenerConfig> TABLE = new Table<>(v -> new ListenerConfig(
            v.get(ListenerConfig.SOCKET),
            v.get(ListenerConfig.MODE),
            v.get(ListenerConfig.OWNER),
            v.get(ListenerConfig.GROUP),
            v.get(ListenerConfig.PROFILE),
            v.get(ListenerConfig.TLS)));

    /** Required in a {@code listeners:} entry; the single default listener's is {@link Defaults#socket()}. */
    public static final Setting<ListenerConfig, Path> SOCKET = TABLE.scalar(
            "socket", Defaults.socket(), ListenerConfig::socketPath, Path::toString, ListenerConfig::socket);

    public static final Setting<ListenerConfig, Integer> MODE =
            TABLE.scalar("mode", 0660, Units::mode, m -> String.format("%04o", m), ListenerConfig::mode);
    public static final Setting<ListenerConfig, Optional<String>> OWNER = optional("owner", ListenerConfig::owner);
    public static final Setting<ListenerConfig, Optional<String>> GROUP = optional("group", ListenerConfig::group);

    /** "" serves only the callers a profile's {@code match} rule names. */
    public static final Setting<ListenerConfig, Optional<String>> PROFILE = TABLE.scalar(
            "profile",
            Optional.of(BridgeConfig.DEFAULT_PROFILE),
            ListenerConfig::nonEmpty,
            p -> p.orElse(""),
            ListenerConfig::profile);

    public static final Setting<ListenerConfig, TlsConfig> TLS =
            TABLE.section("tls", TlsConfig.TABLE, ListenerConfig::tls);

    public ListenerConfig {
        if (mode < 0 || mode > 0777) {
            throw new IllegalArgumentException("mode must be between 0000 and 0777: " + Integer.toOctalString(mode));
        }
    }

    public static ListenerConfig defaults() {
        return TABLE.defaults();
    }

    public <T> ListenerConfig with(Setting<ListenerConfig, T> s, T value) {
        return s.with(this, value);
    }

    /** The mode as permissions, for the socket file. */
    public Set<PosixFilePermission> permissions() {
        return Defaults.permissions(mode);
    }

    /** The mode as four octal digits, e.g. "0660". */
    public String modeString() {
        return MODE.show(mode);
    }

    /**
     * The name this listener is known by in logs, the audit log and {@link dev.claudebridge.daemon.session.Peer}: its
     * path, {@code tls://HOST:PORT} or {@code wss://HOST:PORT}.
     */
    public String name() {
        return tls.listen()
                .map(a -> (tls.websocket() ? "wss://" : "tls://") + a)
                .orElse(socket.toString());
    }

    private static Path socketPath(String v) {
        Path p = Units.absolutePath(v)
                .orElseThrow(() -> new IllegalArgumentException("each listener needs the absolute path of its socket"));
        if (p.toString().getBytes(StandardCharsets.UTF_8).length > MAX_PATH_BYTES) {
            throw new IllegalArgumentException(
                    "longer than the " + MAX_PATH_BYTES + " bytes a Unix socket path may have");
        }
        return p;
    }

    private static Optional<String> nonEmpty(String v) {
        return Optional.of(v).filter(s -> !s.isEmpty());
    }

    private static Setting<ListenerConfig, Optional<String>> optional(
            String key, Function<ListenerConfig, Optional<String>> get) {
        return TABLE.scalar(key, Optional.empty(), ListenerConfig::nonEmpty, o -> o.orElse(""), get);
    }
}
