package dev.claudebridge.daemon.cli;

import dev.claudebridge.daemon.config.BridgeConfig;
import dev.claudebridge.daemon.config.ConfigException;
import dev.claudebridge.daemon.config.ConfigLoader;
import dev.claudebridge.daemon.config.Defaults;
import dev.claudebridge.daemon.policy.ClaudeArguments;
import java.io.IOException;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code claude-bridge reload}: checks the running daemon's configuration file and sends the daemon
 * SIGHUP. The daemon is found through its pid file (beside its first socket), which also names the
 * file it reads; the pid is checked against {@code /proc} so that a stale file signals nobody else.
 */
@Command(
        name = "reload",
        mixinStandardHelpOptions = true,
        description = "Make the running daemon re-read its configuration (SIGHUP); running requests keep theirs.")
final class ReloadCommand implements Callable<Integer> {
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

    @Override
    public Integer call() {
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
        if (content.get().config().isPresent()
                && Files.exists(content.get().config().get())) {
            try {
                ConfigLoader.load(content.get().config().get(), true, ClaudeArguments.VOCABULARY);
            } catch (ConfigException e) {
                System.err.println(e.getMessage());
                System.err.println(
                        "claude-bridge reload: not reloading; the daemon would reject this file and keep its current configuration");
                return 1;
            }
        }
        if (!hangUp(pid)) {
            System.err.println(
                    "claude-bridge reload: cannot signal pid " + pid + " (not allowed? run as the daemon's user)");
            return 1;
        }
        System.out.println("sent SIGHUP to the daemon (pid " + pid + ")"
                + content.get().config().map(c -> "; it re-reads " + c).orElse("")
                + "; its log says whether the new configuration is in force");
        return 0;
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
