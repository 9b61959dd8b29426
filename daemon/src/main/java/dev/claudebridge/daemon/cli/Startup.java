package dev.claudebridge.daemon.cli;

import dev.claudebridge.daemon.config.BridgeConfig;
import dev.claudebridge.daemon.config.ListenerConfig;
import dev.claudebridge.daemon.exec.ClaudeCommand;
import dev.claudebridge.daemon.session.BridgeSettings;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The daemon's first log lines: where claude is, what it listens on, which profiles apply. */
final class Startup {
    private static final Logger LOG = LoggerFactory.getLogger(ServeCommand.class);

    private Startup() {}

    static void log(BridgeSettings settings, List<Path> sockets, Path audit) {
        BridgeConfig c = settings.config();
        Optional<ClaudeCommand> found = settings.claude().locate();
        if (found.isPresent()) {
            LOG.info(
                    "claude found at {} (runs as {})",
                    found.get().foundAt(),
                    found.get().prefix());
        } else {
            LOG.warn(
                    "claude was not found on this host (looked in {}); requests will be answered with claude_not_found until it is installed",
                    settings.claude().candidates());
        }
        LOG.info("configuration: {}", c.source().map(Path::toString).orElse("built-in defaults (no file)"));
        for (ListenerConfig l : c.listeners()) {
            LOG.info(
                    "claude-bridge {} listening on {} ({}) for profile {}",
                    Main.version(),
                    l.name(),
                    l.tls().enabled()
                            ? "TLS 1.3, callers by " + (l.tls().clientCa().isPresent() ? "client certificate" : "")
                                    + (l.tls().clientCa().isPresent()
                                                    && !l.tls().tokens().isEmpty()
                                            ? " or "
                                            : "")
                                    + (l.tls().tokens().isEmpty() ? "" : "token")
                            : "mode " + l.modeString(),
                    l.profile().orElse("(peer rules only)"));
        }
        c.profiles()
                .values()
                .forEach(p -> LOG.info(
                        "profile {}: mappings {}",
                        p.name(),
                        p.mappings().isEmpty()
                                ? "none (each request runs in an empty private directory)"
                                : p.mappings()));
        LOG.info("audit log: {}", audit);
        if (!sockets.isEmpty()) {
            LOG.info("try it: CLAUDE_BRIDGE_SOCKET={} bin/claude --version", sockets.getFirst());
        }
    }
}
