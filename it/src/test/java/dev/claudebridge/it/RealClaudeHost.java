package dev.claudebridge.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A host as the real-CLI tests need it: the real claude CLI (pinned or newest) behind a real daemon,
 * talking to a {@link MessagesStandIn} with a key only the daemon's side holds, in a fresh HOME whose
 * onboarding is done, with one project directory mapped to itself. The same environment serves a
 * direct run of the CLI, the baseline a bridged run is compared with. Closing stops the daemon and the
 * stand-in and removes the directory.
 */
final class RealClaudeHost implements AutoCloseable {
    static final String KEY = "sk-test-standin-0123456789abcdef";

    final Path claude;
    final Path dir;
    /** The host user's HOME: the daemon's and a direct run's. */
    final Path home;
    /** A caller's HOME: empty, nothing of the host's login in it. */
    final Path callerHome;
    /** Mapped to itself: a caller there runs claude there. */
    final Path project;

    final MessagesStandIn api;
    final Bridge bridge;
    private final Map<String, String> apiEnv;

    private RealClaudeHost(Setup setup) throws IOException {
        claude = setup.claude;
        dir = Bridge.tempDir();
        home = Files.createDirectories(dir.resolve("home"));
        Files.writeString(home.resolve(".claude.json"), "{\"hasCompletedOnboarding\":true,\"theme\":\"dark\"}");
        callerHome = Files.createDirectories(dir.resolve("caller-home"));
        project = Files.createDirectories(dir.resolve("project"));
        api = new MessagesStandIn();
        apiEnv = api.cliEnv(home, KEY);
        Map<String, String> daemonEnv = new HashMap<>(setup.daemonEnv);
        daemonEnv.putAll(apiEnv);
        Path config = Bridge.writeConfig(dir, "config.yaml", """
                claude: { path: "%s" }
                listeners: [ { socket: "%s" } ]
                profiles:
                  default: { mappings: ["%s=%s"], rate: { per-minute: 0 }%s }
                audit: { path: "%s" }
                %s
                """.formatted(
                        claude,
                        dir.resolve("b.sock"),
                        project,
                        project,
                        setup.profile.isEmpty() ? "" : ", " + setup.profile,
                        auditLog(),
                        setup.more));
        try {
            bridge = Bridge.startWithConfig(dir, RealClaudeHost::foreign, daemonEnv, config);
        } catch (RuntimeException e) {
            api.close();
            Bridge.deleteTree(dir);
            throw e;
        }
    }

    /** The CLI a system property names; the test is skipped, saying how to get it, when it is not installed. */
    static Setup with(String cliProperty) {
        String prop = System.getProperty(cliProperty, "");
        Assumptions.assumeTrue(
                !prop.isBlank() && Files.isExecutable(Path.of(prop)),
                "no claude CLI at -D" + cliProperty + " (./build.sh test installs it into .tools/): skipped");
        return new Setup(Path.of(prop));
    }

    /** How the host is set up beyond the defaults. */
    static final class Setup {
        private final Path claude;
        private String profile = "";
        private String more = "";
        private final Map<String, String> daemonEnv = new HashMap<>();

        private Setup(Path claude) {
            this.claude = claude;
        }

        /** More keys of the default profile, as YAML flow-mapping entries ({@code allow-args: [...]}). */
        Setup profile(String entries) {
            profile = entries;
            return this;
        }

        /** More top-level configuration, as YAML ({@code admin: { socket: ... }}). */
        Setup config(String yaml) {
            more = yaml;
            return this;
        }

        /** Variables the daemon inherits besides the stand-in's (e.g. those of a Claude Code session it was started in). */
        Setup daemonEnv(Map<String, String> env) {
            daemonEnv.putAll(env);
            return this;
        }

        RealClaudeHost start() {
            try {
                return new RealClaudeHost(this);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** Nothing of the developer's own Claude settings, credentials or proxies may reach the CLI, either way. */
    static boolean foreign(String name) {
        return name.startsWith("ANTHROPIC_")
                || name.startsWith("CLAUDE")
                || name.toLowerCase(Locale.ROOT).endsWith("_proxy");
    }

    /** What a direct run of the CLI needs: the host's HOME, the stand-in and its key. */
    Map<String, String> apiEnv() {
        return apiEnv;
    }

    /**
     * Sets a caller's environment: nothing foreign, and either what a direct run of the CLI needs or, for
     * a bridged run, only the socket (and the suite's client cache) with a HOME of the caller's own.
     */
    ProcessBuilder environment(ProcessBuilder pb, boolean bridged) {
        pb.environment().keySet().removeIf(RealClaudeHost::foreign);
        if (bridged) {
            pb.environment()
                    .putAll(Map.of(
                            "HOME",
                            callerHome.toString(),
                            "CLAUDE_BRIDGE_SOCKET",
                            bridge.socket.toString(),
                            "CLAUDE_BRIDGE_CACHE",
                            Bridge.CLIENT_CACHE.toString()));
        } else {
            pb.environment().putAll(apiEnv);
        }
        return pb;
    }

    /** The bridge client or the CLI itself, as a caller would name it. */
    String executable(boolean bridged) {
        return bridged ? Bridge.CLIENT.toString() : claude.toString();
    }

    /** The given bridge client, or the CLI itself when {@code client} is null (a direct run). */
    String executable(Client client) {
        return client == null ? claude.toString() : client.executable().toString();
    }

    Path auditLog() {
        return dir.resolve("audit.log");
    }

    /** The daemon's host processes still running (zombies do not count). */
    List<ProcessHandle> hostTree() {
        return ProcessHandle.of(bridge.daemonPid())
                .orElseThrow()
                .descendants()
                .filter(h -> Proc.running(h.pid()))
                .toList();
    }

    /** Waits (60 s at most) until the daemon runs nothing, so no earlier run takes the next one's scripted turns. */
    void awaitQuiet() {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < until && !hostTree().isEmpty()) {
            Bridge.sleep(50);
        }
    }

    @Override
    public void close() {
        api.close();
        bridge.close();
    }
}
