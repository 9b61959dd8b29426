package dev.claudebridge.daemon.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code claude-bridge end ID}: ends a running request's whole host process tree. */
@Command(
        name = "end",
        mixinStandardHelpOptions = true,
        description = "End a running request (its whole host process tree); the caller is told, the audit names you."
                + " Request ids are in claude-bridge status.",
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {
            "0:the request is being ended",
            "1:no such live request, or it has no running process yet",
            "2:bad options",
            "69:no daemon answered at the admin address",
            "77:not allowed: the operator token is missing, unreadable or wrong"
        })
final class EndCommand implements Callable<Integer> {
    @Mixin
    OperatorOptions options = new OperatorOptions();

    @Parameters(paramLabel = "ID", description = "The request's id, as claude-bridge status shows it.")
    String id;

    @Override
    public Integer call() {
        if (!id.matches("[A-Za-z0-9_-]{1,64}")) {
            System.err.println("claude-bridge end: '" + id + "' is not a request id (such as k3f-88)");
            return 2;
        }
        return options.act("end", "/api/requests/" + id + "/end");
    }
}
