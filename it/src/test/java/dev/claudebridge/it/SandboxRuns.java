package dev.claudebridge.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.claudebridge.it.MessagesStandIn.Turn;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** What the sandbox tests share: a daemon with one profile, and one scripted Bash turn of the real claude. */
final class SandboxRuns {
    private SandboxRuns() {}

    /** A daemon in {@code dir/name} whose default profile is {@code profile} (YAML), mapping {@code ws} to itself. */
    static Bridge daemon(Path dir, String name, String claude, Map<String, String> env, Path ws, String profile)
            throws IOException {
        return Bridge.start(
                Files.createDirectories(dir.resolve(name)),
                RealClaudeHost::foreign,
                env,
                List.of(
                        "--claude",
                        claude,
                        "--map",
                        ws + "=" + ws,
                        "--admin-listen",
                        "off",
                        "--audit-log", // with --config the fixture adds none: never the system's /var/log
                        dir.resolve(name).resolve("audit.log").toString(),
                        "--config",
                        Bridge.writeConfig(dir, name + ".yaml", "profiles: { default: " + profile + " }\n")
                                .toString()));
    }

    /**
     * Runs one Bash turn through {@code bridge} in {@code cwd} and returns what claude sent back to the
     * model as its result.
     *
     * @param permission the argument that lets the turn run ({@code --dangerously-skip-permissions} or an
     *     {@code --allowedTools})
     */
    static String bash(MessagesStandIn api, Bridge bridge, Path cwd, String permission, String command) {
        int seen = api.agentLoopBodies().size();
        api.script(
                Turn.toolUse("Bash", "{\"command\":\"" + MessagesStandIn.escape(command) + "\"}"), Turn.text("done"));
        Bridge.Result r = Bridge.run(bridge.client(cwd, "-p", "go", permission), new byte[0]);
        assertThat(r.status()).as("%s\ndaemon log:\n%s", r, bridge.log()).isZero();
        assertThat(r.out()).contains("done");
        List<String> bodies = api.agentLoopBodies();
        return bodies.subList(seen, bodies.size()).stream()
                .filter(b -> b.contains("tool_result"))
                .reduce("", String::concat);
    }
}
