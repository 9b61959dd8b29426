package dev.claudebridge.daemon.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code claude-bridge}: the host daemon and its admin commands. */
@Command(
        name = "claude-bridge",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = "Share this host's Claude Code with containers over a Unix socket.",
        subcommands = {
            ServeCommand.class,
            StatusCommand.class,
            ConfigCommand.class,
            ReloadCommand.class,
            EndCommand.class,
            DrainCommand.class,
            TokenCommand.class,
            CommandLine.HelpCommand.class
        })
public final class Main implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(new CommandLine(new Main()).execute(args));
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** The version from the jar manifest ("dev" when run from classes). */
    public static String version() {
        String v = Main.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"claude-bridge " + version()};
        }
    }
}
