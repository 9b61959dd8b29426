package dev.claudebridge.daemon.cli;

import dev.claudebridge.daemon.exec.ClaudeCommand;
import dev.claudebridge.daemon.exec.ClaudeLocator;
import dev.claudebridge.daemon.policy.EnvPolicy;
import dev.claudebridge.daemon.policy.PathMapper;
import dev.claudebridge.daemon.policy.PathMapping;
import dev.claudebridge.daemon.session.BridgeSettings;
import dev.claudebridge.daemon.session.Peer;
import dev.claudebridge.daemon.session.SessionEngine;
import dev.claudebridge.daemon.transport.ListenerException;
import dev.claudebridge.daemon.transport.UnixSocketListener;
import jdk.net.UnixDomainPrincipal;
import java.nio.channels.Channels;
import jdk.net.ExtendedSocketOptions;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code claude-bridge serve}: listen on the agents' socket and run their requests. */
@Command(name = "serve", mixinStandardHelpOptions = true, description = "Run the bridge daemon in the foreground.")
final class ServeCommand implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(ServeCommand.class);

    @Option(names = "--socket", paramLabel = "PATH",
            description = "Unix socket to listen on. Default: /var/run/claude-code-bridge.sock as root, else $XDG_RUNTIME_DIR/claude-code-bridge.sock.")
    Path socket;

    @Option(names = "--socket-mode", paramLabel = "MODE", defaultValue = "0660",
            description = "File mode of the socket (octal). Default: ${DEFAULT-VALUE}.")
    String socketMode;

    @Option(names = "--claude", paramLabel = "PATH", description = "The host's claude executable. Default: PATH, then the usual install places.")
    Path claude;

    @Option(names = "--map", paramLabel = "CONTAINER=HOST",
            description = "Map a container path prefix to a host directory (repeatable). With none, each request runs in an empty private directory.")
    List<String> maps = new ArrayList<>();

    @Option(names = "--allow-env", paramLabel = "NAME",
            description = "Also pass this caller variable (repeatable; NAME* for a prefix). Default list: TERM, COLORTERM, LANG, LC_*, TZ, NO_COLOR, FORCE_COLOR.")
    List<String> allowEnv = new ArrayList<>();

    @Option(names = "--kill-grace", paramLabel = "DURATION", defaultValue = "PT1S",
            description = "Time between SIGTERM and SIGKILL when a process tree is ended (ISO-8601). Default: 1s.")
    Duration killGrace;

    @Override
    public Integer call() {
        List<PathMapping> mappings = new ArrayList<>();
        for (String m : maps) {
            try {
                mappings.add(PathMapping.parse(m));
            } catch (IllegalArgumentException e) {
                System.err.println("claude-bridge: --map " + m + ": " + e.getMessage());
                return 2;
            }
        }
        List<String> allow = new ArrayList<>(EnvPolicy.DEFAULT_ALLOW);
        allow.addAll(allowEnv);
        ClaudeLocator locator = new ClaudeLocator(Optional.ofNullable(claude), System.getenv());
        BridgeSettings settings = new BridgeSettings(locator, new PathMapper(mappings), new EnvPolicy(allow), System.getenv(), killGrace);
        Path path = socket != null ? socket : defaultSocket();
        UnixSocketListener listener;
        try {
            listener = UnixSocketListener.bind(path, PosixFilePermissions.fromString(rwx(socketMode)));
        } catch (ListenerException | IllegalArgumentException e) {
            System.err.println("claude-bridge: " + e.getMessage());
            return 1;
        }
        Optional<ClaudeCommand> found = locator.locate();
        if (found.isPresent()) {
            LOG.info("claude found at {} (runs as {})", found.get().foundAt(), found.get().prefix());
        } else {
            LOG.warn("claude was not found on this host (looked in {}); requests will be answered with claude_not_found until it is installed",
                    locator.candidates());
        }
        LOG.info("claude-bridge {} listening on {} (mode {}); mappings: {}", Main.version(), listener.path(), socketMode,
                mappings.isEmpty() ? "none (each request runs in an empty private directory)" : mappings);
        LOG.info("try it: CLAUDE_BRIDGE_SOCKET={} bin/claude --version", listener.path());
        SessionEngine engine = new SessionEngine(() -> settings, "claude-bridge/" + Main.version());
        Thread shutdown = new Thread(() -> {
            LOG.info("shutting down: closing {} and ending {} running request(s)", listener.path(), engine.live().size());
            listener.close();
            engine.terminateAll(killGrace);
        }, "shutdown");
        Runtime.getRuntime().addShutdownHook(shutdown);
        listener.serve(ch -> serve(engine, ch, listener.path()));
        return 0;
    }

    private static void serve(SessionEngine engine, SocketChannel ch, Path socketPath) {
        try (ch) {
            engine.serve(Channels.newInputStream(ch), Channels.newOutputStream(ch), peer(ch, socketPath));
        } catch (java.io.IOException e) {
            // closing a connection the peer already dropped
        }
    }

    private static Peer peer(SocketChannel ch, Path socketPath) {
        String listener = socketPath.getFileName().toString();
        try {
            UnixDomainPrincipal p = ch.getOption(ExtendedSocketOptions.SO_PEERCRED);
            return new Peer(listener, p.user().getName(), p.group().getName());
        } catch (java.io.IOException | UnsupportedOperationException e) {
            return new Peer(listener, "", "");
        }
    }

    static Path defaultSocket() {
        if ("root".equals(System.getProperty("user.name"))) {
            return Path.of("/var/run/claude-code-bridge.sock");
        }
        String runtime = System.getenv("XDG_RUNTIME_DIR");
        if (runtime != null && !runtime.isBlank()) {
            return Path.of(runtime, "claude-code-bridge.sock");
        }
        return Path.of(System.getProperty("java.io.tmpdir"), "claude-code-bridge-" + System.getProperty("user.name") + ".sock");
    }

    /** "0660" to "rw-rw----". */
    static String rwx(String octal) {
        int mode = Integer.parseInt(octal, 8);
        if (mode < 0 || mode > 0777) {
            throw new IllegalArgumentException("--socket-mode must be an octal mode such as 0660, got " + octal);
        }
        StringBuilder sb = new StringBuilder();
        String letters = "rwx";
        for (int i = 8; i >= 0; i--) {
            sb.append((mode & (1 << i)) != 0 ? letters.charAt((8 - i) % 3) : '-');
        }
        return sb.toString();
    }
}
