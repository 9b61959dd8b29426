package dev.claudebridge.it;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;

/**
 * Callers the daemon must tell apart by what the kernel says of them: the real client in a PID
 * namespace of its own (a "container"), or as another uid. Both need root here; tests skip without it.
 */
final class Containers {
    private Containers() {}

    static void assumeRoot() {
        Assumptions.assumeTrue(
                "root".equals(System.getProperty("user.name")),
                "PID namespaces and other uids need root here: skipped");
        Assumptions.assumeTrue(
                Files.isExecutable(Path.of("/usr/bin/unshare")) && Files.isExecutable(Path.of("/usr/bin/setpriv")),
                "needs unshare and setpriv (util-linux): skipped");
    }

    /** The real client, in a new PID namespace (and a mount namespace for its /proc), as a container would run it. */
    static ProcessBuilder inPidNamespace(Bridge bridge, Path cwd, String clientName, String... args) {
        return around(bridge, cwd, clientName, List.of("/usr/bin/unshare", "--pid", "--fork", "--mount-proc"), args);
    }

    /** The real client as uid and gid 65534 on the host (the socket must let it in: --socket-mode 0666). */
    static ProcessBuilder asNobody(Bridge bridge, Path cwd, String clientName, String... args) {
        ProcessBuilder pb = around(
                bridge,
                cwd,
                clientName,
                List.of("/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"),
                args);
        pb.environment().put("CLAUDE_BRIDGE_CACHE", "/nonexistent/cache");
        pb.command().set(wrapper(pb), Bridge.readableClient().toString());
        return pb;
    }

    /** Where the client stands in the command: after the wrapper's words. */
    private static int wrapper(ProcessBuilder pb) {
        return pb.command().indexOf(Bridge.CLIENT.toString());
    }

    private static ProcessBuilder around(
            Bridge bridge, Path cwd, String clientName, List<String> wrapper, String... args) {
        ProcessBuilder pb = bridge.client(cwd, args);
        List<String> cmd = new ArrayList<>(wrapper);
        cmd.addAll(pb.command());
        pb.command(cmd);
        pb.environment()
                .put(
                        "CLAUDE_BRIDGE_JAVA",
                        ProcessHandle.current().info().command().orElseThrow());
        pb.environment().put("CLAUDE_BRIDGE_CLIENT_NAME", clientName);
        return pb;
    }
}
