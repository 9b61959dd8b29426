package dev.claudebridge.daemon.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.claudebridge.daemon.admin.AdminAddress;
import dev.claudebridge.daemon.admin.AdminClient;
import dev.claudebridge.daemon.admin.OperatorToken;
import dev.claudebridge.daemon.admin.StatusService;
import dev.claudebridge.daemon.config.BridgeConfig;
import dev.claudebridge.daemon.config.ConfigException;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * What {@code claude-bridge end} and {@code drain} share: where the admin endpoint is, the operator
 * token that proves the right to act, and how an action's answer becomes an exit status.
 */
final class OperatorOptions {
    static final int REFUSED = 1;
    static final int NO_PERMISSION = 77;

    @Option(
            names = "--admin",
            paramLabel = "URL",
            description =
                    "The daemon's admin endpoint: http://HOST:PORT, HOST:PORT or unix:PATH (no token needed there). "
                            + "Default: $CLAUDE_BRIDGE_ADMIN, else http://" + AdminAddress.DEFAULT + ".")
    String admin;

    @Option(
            names = "--token-file",
            paramLabel = "PATH",
            description = "The operator token's file. Default: admin.token-file of the configuration, else "
                    + OperatorToken.FILE_NAME + " beside the audit log.")
    Optional<Path> tokenFile = Optional.empty();

    @Option(
            names = "--config",
            paramLabel = "PATH",
            description = "The daemon's configuration file, to find the token file. Default: as serve.")
    Optional<Path> config = Optional.empty();

    @Option(
            names = "--operator",
            paramLabel = "NAME",
            description = "The name the audit records for this action. Default: your user name.")
    String operator = System.getProperty("user.name", "operator");

    @Option(
            names = "--timeout",
            paramLabel = "DURATION",
            defaultValue = "PT10S",
            description = "How long to wait for the daemon (ISO-8601). Default: 10s.")
    Duration timeout;

    String target() {
        return admin != null
                ? admin
                : System.getenv().getOrDefault("CLAUDE_BRIDGE_ADMIN", "http://" + AdminAddress.DEFAULT);
    }

    /**
     * POSTs one action and prints its answer; returns the exit status: 0 done, 1 refused (no such
     * request, not running), 77 not allowed (no or a wrong token), 69 no daemon answered.
     */
    int act(String command, String path) {
        String target = target();
        Optional<String> token;
        try {
            token = token(target);
        } catch (IOException e) {
            System.err.println("claude-bridge " + command + ": cannot read the operator token " + e.getMessage()
                    + "; run this as the daemon's user, give --token-file, or use --admin unix:ADMIN-SOCKET");
            return NO_PERMISSION;
        }
        String body;
        try {
            body = StatusService.JSON.writeValueAsString(Map.of("operator", operator));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        AdminClient.Reply reply;
        try {
            reply = AdminClient.post(target, path, body, token, timeout);
        } catch (IOException e) {
            System.err.println("claude-bridge " + command + ": no daemon answered at " + target + " (" + e + ")");
            return StatusCommand.UNREACHABLE;
        }
        String message = message(reply);
        if (reply.status() == 200) {
            System.out.println(message);
            return 0;
        }
        System.err.println("claude-bridge " + command + ": " + message);
        return reply.status() == 401 || reply.status() == 403 ? NO_PERMISSION : REFUSED;
    }

    /** The token, read as this user; on the admin socket it is sent when readable but not needed. */
    private Optional<String> token(String target) throws IOException {
        Path file = tokenFile.orElseGet(this::configuredTokenFile);
        try {
            return Optional.of(OperatorToken.read(file));
        } catch (IOException e) {
            if (target.startsWith("unix:")) {
                return Optional.empty();
            }
            throw new IOException(file + " (" + e.getClass().getSimpleName() + ")", e);
        }
    }

    private Path configuredTokenFile() {
        ConfigOptions o = new ConfigOptions();
        o.config = config;
        BridgeConfig c;
        try {
            c = o.load(System.getenv());
        } catch (ConfigException | IllegalArgumentException e) {
            c = BridgeConfig.defaults();
        }
        return ServeCommand.tokenFile(c);
    }

    private static String message(AdminClient.Reply reply) {
        try {
            JsonNode n = StatusService.JSON.readTree(reply.body());
            if (n != null && n.has("message")) {
                return n.get("message").asText();
            }
        } catch (IOException e) {
            // not the action's JSON: show what came
        }
        return "HTTP " + reply.status() + ": " + reply.body().strip();
    }
}
