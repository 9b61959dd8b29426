package dev.claudebridge.daemon.policy;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;

/**
 * Reads an argv the way Commander.js (claude's parser, with positional options) does:
 * <ul>
 * <li>a required value is taken whatever it looks like ({@code --model --x}), an optional one only when
 * it does not start with {@code -}, a variadic one takes words up to the next that starts with {@code -};
 * <li>{@code --opt=value} and {@code -nVALUE} attach a value (not to a flag: {@code --verbose=1} is an
 * unknown option); {@code -pc} is {@code -p -c}; long options are never abbreviated;
 * <li>{@code --} ends the options, but not the subcommands: Commander still dispatches on the first
 * operand ({@code claude -- mcp serve} runs {@code mcp serve}), and a subcommand reached that way reads
 * no options at all;
 * <li>a subcommand is dispatched only from the first operand, and only when claude registered its
 * subcommands: it does not in print mode ({@code -p} or {@code --print} anywhere in argv, even after
 * {@code --}, unless some word starts with {@code cc://} or {@code cc+unix://}).
 * </ul>
 * The first unknown option ends the reading: the policy refuses it, whatever follows.
 */
public final class ArgvParser {
    private ArgvParser() {}

    public static ParsedArgs parse(List<String> argv) {
        return parse(ClaudeCli.CLAUDE, argv);
    }

    static ParsedArgs parse(ClaudeCli.Command root, List<String> argv) {
        boolean print = (argv.contains("-p") || argv.contains("--print"))
                && argv.stream().noneMatch(a -> a.startsWith("cc://") || a.startsWith("cc+unix://"));
        List<ClaudeCli.Command> path = new ArrayList<>();
        List<ParsedArgs.Use> uses = new ArrayList<>();
        List<Integer> operands = new ArrayList<>();
        Deque<Token> tokens = new ArrayDeque<>();
        for (int i = 0; i < argv.size(); i++) {
            tokens.add(new Token(i, argv.get(i), false));
        }
        ClaudeCli.Command cmd = root;
        ParsedArgs.Use variadic = null;
        while (!tokens.isEmpty()) {
            Token t = tokens.poll();
            String arg = t.text;
            if (arg.equals("--") && !t.synthetic) {
                // the rest are operands; the first may still name a subcommand, and so on down
                List<Token> rest = new ArrayList<>(tokens);
                int k = 0;
                if (operands.isEmpty()) {
                    while (k < rest.size() && !print) {
                        Optional<ClaudeCli.Command> sub = cmd.child(rest.get(k).text);
                        if (sub.isEmpty()) {
                            break;
                        }
                        cmd = sub.get();
                        path.add(cmd);
                        k++;
                    }
                }
                rest.subList(k, rest.size()).forEach(r -> operands.add(r.index));
                break;
            }
            if (variadic != null && !maybeOption(arg)) {
                variadic.values().add(new ParsedArgs.Value(t.index, "", arg));
                continue;
            }
            variadic = null;
            if (maybeOption(arg)) {
                Optional<ClaudeCli.Option> exact = cmd.option(arg);
                if (exact.isPresent()) {
                    ParsedArgs.Use use = use(exact.get(), arg, t.index);
                    uses.add(use);
                    ClaudeCli.Arity a = exact.get().arity();
                    if (a == ClaudeCli.Arity.REQUIRED
                            || a == ClaudeCli.Arity.VARIADIC
                            || (a == ClaudeCli.Arity.OPTIONAL
                                    && !tokens.isEmpty()
                                    && !maybeOption(tokens.peek().text))) {
                        Token v = tokens.poll();
                        if (v != null) {
                            use.values().add(value(argv, v.index, v.text));
                        }
                    }
                    variadic = a == ClaudeCli.Arity.VARIADIC ? use : null;
                    continue;
                }
            }
            if (arg.length() > 2 && arg.charAt(0) == '-' && arg.charAt(1) != '-') {
                Optional<ClaudeCli.Option> shortOpt = cmd.option(arg.substring(0, 2));
                if (shortOpt.isPresent()) {
                    ParsedArgs.Use use = use(shortOpt.get(), arg, t.index);
                    uses.add(use);
                    if (shortOpt.get().arity() == ClaudeCli.Arity.FLAG) {
                        tokens.push(new Token(t.index, "-" + arg.substring(2), true)); // -pc is -p -c
                    } else {
                        use.values().add(value(argv, t.index, arg.substring(2)));
                        variadic = shortOpt.get().arity() == ClaudeCli.Arity.VARIADIC ? use : null;
                    }
                    continue;
                }
            }
            int eq = arg.indexOf('=');
            if (arg.startsWith("--") && eq > 2) {
                Optional<ClaudeCli.Option> named = cmd.option(arg.substring(0, eq));
                if (named.isPresent() && named.get().arity() != ClaudeCli.Arity.FLAG) {
                    ParsedArgs.Use use = use(named.get(), arg, t.index);
                    uses.add(use);
                    use.values().add(value(argv, t.index, arg.substring(eq + 1)));
                    variadic = null;
                    continue;
                }
            }
            if (maybeOption(arg)) {
                ClaudeCli.Option unknown = new ClaudeCli.Option(
                        List.of(arg), ClaudeCli.Arity.FLAG, ClaudeCli.Kind.TEXT, ClaudeCli.Access.NEVER, "");
                uses.add(new ParsedArgs.Use(unknown, false, arg, t.index, new ArrayList<>()));
                break; // Commander sends the rest to the unknown list; the policy refuses this option anyway
            }
            Optional<ClaudeCli.Command> sub = operands.isEmpty() && !print ? cmd.child(arg) : Optional.empty();
            if (sub.isPresent()) {
                cmd = sub.get();
                path.add(cmd);
                continue;
            }
            operands.add(t.index);
        }
        return new ParsedArgs(path, uses, operands, print);
    }

    private static ParsedArgs.Use use(ClaudeCli.Option o, String spelling, int index) {
        return new ParsedArgs.Use(o, true, spelling, index, new ArrayList<>());
    }

    private static ParsedArgs.Value value(List<String> argv, int index, String text) {
        String whole = argv.get(index);
        return new ParsedArgs.Value(index, whole.substring(0, whole.length() - text.length()), text);
    }

    /** Commander's test: a dash followed by anything. */
    static boolean maybeOption(String arg) {
        return arg.length() > 1 && arg.charAt(0) == '-';
    }

    private record Token(int index, String text, boolean synthetic) {}
}
