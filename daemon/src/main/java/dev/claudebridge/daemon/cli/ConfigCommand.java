package dev.claudebridge.daemon.cli;

import dev.claudebridge.daemon.config.BridgeConfig;
import dev.claudebridge.daemon.config.ConfigException;
import dev.claudebridge.daemon.config.ConfigLoader;
import dev.claudebridge.daemon.config.ConfigProblem;
import dev.claudebridge.daemon.config.Units;
import dev.claudebridge.daemon.policy.ClaudeArguments;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code claude-bridge config check [PATH]}: validates a configuration file without starting anything. */
@Command(
        name = "config",
        mixinStandardHelpOptions = true,
        description = "Work with the configuration file.",
        subcommands = ConfigCommand.Check.class)
final class ConfigCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** Exit 0 when the file is valid (or absent at the default place), 1 with every problem listed otherwise. */
    @Command(
            name = "check",
            mixinStandardHelpOptions = true,
            description = "Validate a configuration file; each problem is printed as FILE:LINE: KEY: MESSAGE.")
    static final class Check implements Callable<Integer> {
        @Parameters(arity = "0..1", paramLabel = "PATH", description = "The file. Default: the one serve would read.")
        Optional<Path> path = Optional.empty();

        @Override
        public Integer call() {
            ConfigOptions options = new ConfigOptions();
            options.config = path;
            ConfigOptions.Source source = options.source(System.getenv());
            PrintStream out = System.out;
            if (!source.required() && !Files.exists(source.path())) {
                out.println(source.path() + ": no such file; serve would use the built-in defaults");
                return 0;
            }
            BridgeConfig c;
            try {
                c = ConfigLoader.load(source.path(), true, ClaudeArguments.VOCABULARY);
            } catch (ConfigException e) {
                for (ConfigProblem p : e.problems()) {
                    System.err.println(p);
                }
                System.err.println(source.path() + ": " + e.problems().size()
                        + " problem(s); serve would refuse to start with it, and a reload"
                        + " would keep the previous configuration");
                return 1;
            }
            out.println(source.path() + ": OK");
            c.listeners()
                    .forEach(l -> out.println("  listener " + l.name()
                            + (l.tls().enabled()
                                    ? " TLS"
                                            + l.tls()
                                                    .clientCa()
                                                    .map(ca -> " client-ca " + ca)
                                                    .orElse("") + ", "
                                            + l.tls().tokens().size() + " token(s)"
                                    : " mode " + l.modeString()
                                            + l.owner().map(o -> " owner " + o).orElse("")
                                            + l.group().map(g -> " group " + g).orElse(""))
                            + " profile " + l.profile().orElse("(peer rules only)")));
            c.profiles()
                    .values()
                    .forEach(p -> out.println("  profile " + p.name() + ": "
                            + p.mappings().size() + " mapping(s)"
                            + (p.match().isEmpty()
                                    ? ""
                                    : ", match uids " + p.match().uids() + " gids "
                                            + p.match().gids()
                                            + (p.match().certificates().isEmpty()
                                                    ? ""
                                                    : " certificates "
                                                            + p.match().certificates())
                                            + (p.match().tokens().isEmpty()
                                                    ? ""
                                                    : " tokens " + p.match().tokens()))
                            + (p.allowArgs().isEmpty() ? "" : ", allows " + p.allowArgs())
                            + (p.allowSubcommands().isEmpty() ? "" : ", allows subcommands " + p.allowSubcommands())));
            out.println("  audit " + c.audit().path() + " (rotate at "
                    + Units.formatSize(c.audit().maxSize()) + ", keep "
                    + c.audit().keep() + ", fail-closed " + c.audit().failClosed() + ")");
            return 0;
        }
    }
}
