package dev.claudebridge.daemon.cli;

import dev.claudebridge.daemon.admin.AdminClient;
import dev.claudebridge.daemon.admin.StatusReport;
import dev.claudebridge.daemon.admin.StatusService;
import java.io.IOException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code claude-bridge drain}: the daemon finishes its running and queued requests and refuses new ones
 * (readiness says "draining"), until {@code drain --cancel}.
 */
@Command(
        name = "drain",
        mixinStandardHelpOptions = true,
        description = "Make the daemon finish its running and queued requests and refuse new ones"
                + " (shutting_down); --cancel takes requests again.",
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {
            "0:done (with --wait: nothing is left running)",
            "1:the daemon refused",
            "2:bad options",
            "69:no daemon answered at the admin address",
            "77:not allowed: the operator token is missing, unreadable or wrong"
        })
final class DrainCommand implements Callable<Integer> {
    private static final long POLL_MS = 500;

    @Mixin
    OperatorOptions options = new OperatorOptions();

    @Option(names = "--cancel", description = "Stop draining: accept new requests again.")
    boolean cancel;

    @Option(names = "--wait", description = "Then wait until no request is left running or queued.")
    boolean await;

    @Override
    public Integer call() throws InterruptedException {
        int status = options.act("drain", cancel ? "/api/resume" : "/api/drain");
        if (status != 0 || cancel || !await) {
            return status;
        }
        while (true) {
            try {
                AdminClient.Reply r = AdminClient.get(options.target(), "/api/status", options.timeout);
                StatusReport s = StatusService.JSON.readValue(r.body(), StatusReport.class);
                if (s.running().isEmpty()) {
                    System.out.println("drained: nothing is running or queued");
                    return 0;
                }
            } catch (IOException e) {
                System.err.println("claude-bridge drain: lost the daemon while waiting (" + e.getMessage() + ")");
                return StatusCommand.UNREACHABLE;
            }
            Thread.sleep(POLL_MS);
        }
    }
}
