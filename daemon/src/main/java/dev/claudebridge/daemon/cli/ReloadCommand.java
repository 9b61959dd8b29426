package dev.claudebridge.daemon.cli;

import dev.claudebridge.daemon.admin.AdminAddress;
import dev.claudebridge.daemon.admin.AdminClient;
import dev.claudebridge.daemon.admin.StatusReport;
import dev.claudebridge.daemon.admin.StatusService;
import dev.claudebridge.daemon.config.BridgeConfig;
import dev.claudebridge.daemon.config.ConfigException;
import dev.claudebridge.daemon.config.ConfigLoader;
import dev.claudebridge.daemon.config.Defaults;
import dev.claudebridge.daemon.config.Units;
import dev.claudebridge.daemon.policy.ClaudeArguments;
import java.io.IOException;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code claude-bridge reload}: checks the running daemon's configuration file, sends the daemon
 * SIGHUP and waits for its verdict. The daemon is found through its pid file (beside its first socket),
 * which also names the file it reads; the pid is checked against {@code /proc} so that a stale file
 * signals nobody else. The verdict comes from the daemon's status report (whose reload count moves on
 * when the reload ends), so a reload the daemon rejects (a certificate that does not read, a sandbox it
 * cannot set up) fails here too, not only in the daemon's log.
 */
@Command(
        name = "reload",
        mixinStandardHelpOptions = true,
        description = "Make the running daemon re-read its configuration (SIGHUP) and say whether it put it in"
                + " force; running requests keep theirs.",
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {
            "0:the new configuration is in force (or: sent, and no admin endpoint to ask)",
            "1:rejected: the daemon keeps its configuration (or no daemon to signal)",
            "2:bad options"
        })
final class ReloadCommand implements Callable<Integer> {
    private static final long POLL_MS = 100;

    @Option(
            names = "--pid-file",
            paramLabel = "PATH",
            description = "The daemon's pid file. Default: SOCKET.pid beside its first socket.")
    Optional<Path> pidFile = Optional.empty();

    @Option(names = "--socket", paramLabel = "PATH", description = "The daemon's (first) socket, to find its pid file.")
    Optional<Path> socket = Optional.empty();

    @Option(
            names = "--config",
            paramLabel = "PATH",
            description = "The configuration file naming the daemon's sockets. Default: as serve.")
    Optional<Path> config = Optional.empty();

    @Option(
            names = "--admin",
            paramLabel = "URL",
            description = "Where to ask the daemon for its verdict: http://HOST:PORT, HOST:PORT or unix:PATH."
                    + " Default: $CLAUDE_BRIDGE_ADMIN, else the configuration's admin.socket, else its admin.listen.")
    String admin;

    @Option(
            names = "--timeout",
            paramLabel = "DURATION",
            defaultValue = "PT10S",
            description = "How long to wait for the verdict (ISO-8601). Default: 10s.")
    Duration timeout;

    @Override
    public Integer call() throws InterruptedException {
        PidFile file =
                pidFile.map(PidFile::new).orElseGet(() -> PidFile.besideSocket(socket.orElseGet(this::firstSocket)));
        Optional<PidFile.Content> content = file.read();
        if (content.isEmpty()) {
            System.err.println("claude-bridge reload: no readable pid file at " + file.path()
                    + "; is the daemon running? (give --pid-file or --socket)");
            return 1;
        }
        long pid = content.get().pid();
        if (!isDaemon(pid)) {
            System.err.println("claude-bridge reload: " + file.path() + " names pid " + pid
                    + ", which is not a running claude-bridge daemon (stale pid file)");
            return 1;
        }
        Optional<BridgeConfig> config = Optional.empty();
        if (content.get().config().isPresent()
                && Files.exists(content.get().config().get())) {
            try {
                config = Optional.of(ConfigLoader.load(content.get().config().get(), true, ClaudeArguments.VOCABULARY));
            } catch (ConfigException e) {
                System.err.println(e.getMessage());
                System.err.println(
                        "claude-bridge reload: not reloading; the daemon would reject this file and keep its current configuration");
                return 1;
            }
        }
        String target = target(config);
        Optional<StatusReport.Reload> before = reloads(target, pid);
        if (!hangUp(pid)) {
            System.err.println(
                    "claude-bridge reload: cannot signal pid " + pid + " (not allowed? run as the daemon's user)");
            return 1;
        }
        String sent = "sent SIGHUP to the daemon (pid " + pid + ")"
                + content.get().config().map(c -> "; it re-reads " + c).orElse("");
        if (before.isEmpty()) {
            System.out.println(sent + "; its log says whether the new configuration is in force (no admin endpoint"
                    + " of this daemon answered at " + target + ")");
            return 0;
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            Thread.sleep(POLL_MS);
            Optional<StatusReport.Reload> now = reloads(target, pid);
            if (now.isPresent() && now.get().count() > before.get().count()) {
                if (now.get().accepted()) {
                    System.out.println(sent + "; the new configuration is in force: "
                            + now.get().detail());
                    return 0;
                }
                System.err.println("claude-bridge reload: REJECTED by the daemon, which keeps its configuration: "
                        + now.get().detail());
                return 1;
            }
        }
        System.err.println("claude-bridge reload: " + sent + ", but it did not report a verdict within "
                + Units.formatDuration(timeout) + "; see its log");
        return 1;
    }

    private String target(Optional<BridgeConfig> config) {
        if (admin != null) {
            return admin;
        }
        String env = System.getenv("CLAUDE_BRIDGE_ADMIN");
        if (env != null && !env.isBlank()) {
            return env;
        }
        return config.map(BridgeConfig::admin)
                .map(a -> a.socket().map(s -> "unix:" + s).orElse(a.listen()))
                .filter(t -> !t.isBlank())
                .orElse(AdminAddress.DEFAULT);
    }

    /** The reloads the daemon with this pid reports at {@code target}; empty when it does not answer there. */
    private Optional<StatusReport.Reload> reloads(String target, long pid) {
        try {
            AdminClient.Reply r = AdminClient.get(target, "/api/status", timeout);
            if (r.status() != 200) {
                return Optional.empty();
            }
            StatusReport s = StatusService.JSON.readValue(r.body(), StatusReport.class);
            return Optional.ofNullable(s.reload()).filter(x -> x.pid() == pid); // another daemon's answer is none
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    private Path firstSocket() {
        ConfigOptions o = new ConfigOptions();
        o.config = config;
        try {
            ConfigOptions.Source s = o.source(System.getenv());
            BridgeConfig c = ConfigLoader.load(s.path(), s.required(), ClaudeArguments.VOCABULARY);
            return c.listeners().getFirst().socket();
        } catch (ConfigException e) {
            return Defaults.socket();
        }
    }

    /** Whether /proc says the pid runs {@code claude-bridge ... serve}. */
    static boolean isDaemon(long pid) {
        try {
            String cmdline = new String(
                            Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline")), StandardCharsets.UTF_8)
                    .replace('\0', ' ');
            return (cmdline.contains("claude-bridge") || cmdline.contains("dev.claudebridge"))
                    && cmdline.contains(" serve");
        } catch (IOException e) {
            return false;
        }
    }

    private static boolean hangUp(long pid) {
        try {
            Linker linker = Linker.nativeLinker();
            MethodHandle kill = linker.downcallHandle(
                    linker.defaultLookup().find("kill").orElseThrow(),
                    FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
            return (int) kill.invokeExact((int) pid, 1) == 0; // SIGHUP
        } catch (Throwable e) {
            return false;
        }
    }
}
