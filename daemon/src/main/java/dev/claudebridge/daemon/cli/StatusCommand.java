package dev.claudebridge.daemon.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.claudebridge.daemon.admin.AdminAddress;
import dev.claudebridge.daemon.admin.AdminClient;
import dev.claudebridge.daemon.admin.StatusReport;
import dev.claudebridge.daemon.admin.StatusService;
import dev.claudebridge.daemon.admin.StatusText;
import java.io.IOException;
import java.time.Duration;
import java.time.ZoneId;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code claude-bridge status}: asks a running daemon's admin endpoint how it is. Exits 0 when the
 * daemon is ready, so it works as a Docker HEALTHCHECK or a systemd ExecStartPost probe.
 */
@Command(
        name = "status",
        mixinStandardHelpOptions = true,
        description = "Show a running daemon's state; exit 0 only when it is ready.",
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {
            "0:the daemon is ready",
            "1:the daemon answered but is not ready (the output says which check failed)",
            "2:bad options",
            "69:no daemon answered at the admin address"
        })
final class StatusCommand implements Callable<Integer> {
    static final int NOT_READY = 1;
    static final int UNREACHABLE = 69;

    @Option(
            names = "--admin",
            paramLabel = "URL",
            description = "The daemon's admin endpoint: http://HOST:PORT, HOST:PORT or unix:PATH. "
                    + "Default: $CLAUDE_BRIDGE_ADMIN, else http://" + AdminAddress.DEFAULT + ".")
    String admin;

    @Option(names = "--json", description = "Print the daemon's status report as JSON (the /api/status document).")
    boolean json;

    @Option(
            names = "--timeout",
            paramLabel = "DURATION",
            defaultValue = "PT5S",
            description = "How long to wait for the daemon (ISO-8601). Default: 5s.")
    Duration timeout;

    @Override
    public Integer call() {
        String target = admin != null
                ? admin
                : System.getenv().getOrDefault("CLAUDE_BRIDGE_ADMIN", "http://" + AdminAddress.DEFAULT);
        AdminClient.Reply reply;
        try {
            reply = AdminClient.get(target, "/api/status", timeout);
        } catch (IOException e) {
            System.err.println("claude-bridge status: no daemon answered at " + target + " (" + describe(e) + ")");
            return UNREACHABLE;
        }
        if (reply.status() != 200) {
            System.err.println("claude-bridge status: " + target + " answered HTTP " + reply.status()
                    + "; is that a claude-bridge admin endpoint?");
            return UNREACHABLE;
        }
        StatusReport report;
        try {
            report = StatusService.JSON.readValue(reply.body(), StatusReport.class);
        } catch (JsonProcessingException e) {
            System.err.println(
                    "claude-bridge status: " + target + " did not send a status report: " + e.getOriginalMessage());
            return UNREACHABLE;
        }
        if (json) {
            try {
                System.out.println(StatusService.JSON
                        .writer(SerializationFeature.INDENT_OUTPUT)
                        .writeValueAsString(StatusService.JSON.readTree(reply.body())));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        } else {
            System.out.print(StatusText.render(report, ZoneId.systemDefault()));
        }
        return report.ready() ? 0 : NOT_READY;
    }

    private static String describe(IOException e) {
        if (e instanceof java.net.ConnectException) {
            return "connection refused";
        }
        if (e instanceof java.net.http.HttpTimeoutException) {
            return "timed out";
        }
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
    }
}
