package dev.claudebridge.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.claudebridge.daemon.policy.ClaudeCli;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Reads each installed CLI's {@code --help}, and the help of every subcommand a caller could reach
 * (recursively; the subcommands of a never-class command are unreachable), and fails on any option
 * or subcommand the argument policy has not declared, or declared with another arity. A CLI update
 * cannot widen what the bridge passes without someone classifying what it adds.
 */
class CliSurfaceTest {
    private static final Pattern OPTION = Pattern.compile("^  (-[^ ,]+(?:, -[^ ,]+)*)((?: [<\\[][^ ]+)?)(?:  |$)");
    private static final Pattern COMMAND = Pattern.compile("^  ([a-z][a-z0-9-]*(?:\\|[a-z][a-z0-9-]*)*)(?: |$)");

    @ParameterizedTest
    @ValueSource(strings = {"claude.real", "claude.latest"})
    void everyOptionAndSubcommandIsClassified(String property) throws Exception {
        String prop = System.getProperty(property, "");
        Assumptions.assumeTrue(
                !prop.isBlank() && Files.isExecutable(Path.of(prop)), "no CLI at -D" + property + ": skipped");
        Path home = Bridge.tempDir();
        try {
            List<String> unclassified = new ArrayList<>();
            walk(Path.of(prop), home, List.of(), ClaudeCli.CLAUDE, unclassified);
            assertThat(unclassified)
                    .as("options and subcommands of %s that ClaudeCli does not declare (classify them)", prop)
                    .isEmpty();
        } finally {
            Bridge.deleteTree(home);
        }
    }

    private static void walk(Path claude, Path home, List<String> path, ClaudeCli.Command declared, List<String> out) {
        String help = help(claude, home, path);
        String where = path.isEmpty() ? "claude" : "claude " + String.join(" ", path);
        String section = "";
        for (String line : help.split("\n")) {
            if (line.startsWith("Options:") || line.startsWith("Commands:") || line.startsWith("Arguments:")) {
                section = line;
                continue;
            }
            if (section.startsWith("Options:")) {
                Matcher m = OPTION.matcher(line);
                if (m.find()) {
                    List<String> names = List.of(m.group(1).split(", "));
                    String arg = m.group(2).strip();
                    ClaudeCli.Arity arity = arg.isEmpty()
                            ? ClaudeCli.Arity.FLAG
                            : arg.endsWith("...>") || arg.endsWith("...]")
                                    ? ClaudeCli.Arity.VARIADIC
                                    : arg.startsWith("<") ? ClaudeCli.Arity.REQUIRED : ClaudeCli.Arity.OPTIONAL;
                    for (String n : names) {
                        Optional<ClaudeCli.Option> o = declared.option(n);
                        if (o.isEmpty()) {
                            out.add(where + ": " + n + " " + arg);
                        } else if (o.get().arity() != arity) {
                            out.add(where + ": " + n + " is " + arity + " in the help, "
                                    + o.get().arity() + " in ClaudeCli");
                        }
                    }
                }
            } else if (section.startsWith("Commands:")) {
                Matcher m = COMMAND.matcher(line);
                if (m.find()) {
                    String[] names = m.group(1).split("\\|");
                    if (names[0].equals("help")) {
                        continue; // Commander's own: prints help
                    }
                    Optional<ClaudeCli.Command> sub = declared.child(names[0]);
                    if (sub.isEmpty()) {
                        out.add(where + ": subcommand " + m.group(1));
                        continue;
                    }
                    for (String alias : names) {
                        if (declared.child(alias).isEmpty()) {
                            out.add(where + ": alias " + alias + " of " + names[0]);
                        }
                    }
                    if (sub.get().access() != ClaudeCli.Access.NEVER) {
                        List<String> deeper = new ArrayList<>(path);
                        deeper.add(names[0]);
                        walk(claude, home, deeper, sub.get(), out);
                    }
                }
            }
        }
    }

    private static String help(Path claude, Path home, List<String> path) {
        List<String> cmd = new ArrayList<>(List.of(claude.toString()));
        cmd.addAll(path);
        cmd.add("--help");
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(home.toFile());
        pb.environment().keySet().removeIf(n -> n.startsWith("ANTHROPIC_") || n.startsWith("CLAUDE"));
        pb.environment().put("HOME", home.toString());
        pb.environment().put("COLUMNS", "200");
        Bridge.Result r = Bridge.run(pb, new byte[0]);
        assertThat(r.status()).as("%s: %s", cmd, r).isZero();
        return r.out();
    }
}
