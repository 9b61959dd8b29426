package dev.claudebridge.daemon.policy;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * Reads an argv the way Commander.js (claude's parser) does, with positional options: a required value
 * is taken whatever it looks like ({@code --model --x}), an optional one only when it does not start
 * with {@code -}, a variadic one takes words up to the next option; {@code --opt=value} and
 * {@code -nVALUE} attach values; {@code -pc} is {@code -p -c}; {@code --} ends the options; the first
 * operand that names a subcommand hands the rest to that subcommand's own options. Long options are
 * never abbreviated (claude 2.1 refuses {@code --dangerously-skip-perm}).
 */
public final class ArgvParser {
    private ArgvParser() {
    }

    public static ParsedArgs parse(List<String> argv) {
        return parse(ClaudeCli.CLAUDE, argv);
    }

    static ParsedArgs parse(ClaudeCli.Command root, List<String> argv) {
        List<String> path = new ArrayList<>();
        List<ParsedArgs.Use> uses = new ArrayList<>();
        Deque<Token> tokens = new ArrayDeque<>();
        for (int i = 0; i < argv.size(); i++) {
            tokens.add(new Token(i, argv.get(i)));
        }
        ClaudeCli.Command cmd = root;
        ParsedArgs.Use variadic = null;
        boolean operands = false;
        while (!tokens.isEmpty()) {
            Token t = tokens.poll();
            String arg = t.text;
            if (arg.equals("--") && !t.synthetic) {
                break; // the rest are operands (a prompt, or the command of `mcp add NAME -- CMD ...`)
            }
            if (variadic != null && !maybeOption(arg)) {
                variadic.values().add(new ParsedArgs.Value(t.index, "", arg));
                continue;
            }
            variadic = null;
            if (maybeOption(arg)) {
                var exact = cmd.option(arg);
                if (exact.isPresent()) {
                    ParsedArgs.Use use = use(exact.get(), arg, t.index);
                    uses.add(use);
                    ClaudeCli.Arity a = exact.get().arity();
                    if (a == ClaudeCli.Arity.REQUIRED || a == ClaudeCli.Arity.VARIADIC
                            || (a == ClaudeCli.Arity.OPTIONAL && !tokens.isEmpty() && !maybeOption(tokens.peek().text))) {
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
                var shortOpt = cmd.option(arg.substring(0, 2));
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
                var named = cmd.option(arg.substring(0, eq));
                if (named.isPresent()) {
                    // claude refuses =value on a flag; recorded all the same, so that policy errs on the side of denying
                    ParsedArgs.Use use = use(named.get(), arg, t.index);
                    uses.add(use);
                    if (named.get().arity() != ClaudeCli.Arity.FLAG) {
                        use.values().add(value(argv, t.index, arg.substring(eq + 1)));
                    }
                    continue;
                }
            }
            if (maybeOption(arg)) {
                String name = eq > 2 && arg.startsWith("--") ? arg.substring(0, eq) : arg;
                uses.add(use(new ClaudeCli.Option(List.of(name), ClaudeCli.Arity.FLAG, ClaudeCli.Kind.TEXT), arg, t.index));
                operands = true; // after an unknown option Commander no longer looks for a subcommand
                continue;
            }
            var sub = operands ? java.util.Optional.<ClaudeCli.Command>empty() : cmd.child(arg);
            if (sub.isPresent()) {
                cmd = sub.get();
                path.add(cmd.name());
                continue;
            }
            operands = true;
        }
        return new ParsedArgs(path, uses);
    }

    private static ParsedArgs.Use use(ClaudeCli.Option o, String spelling, int index) {
        return new ParsedArgs.Use(o, spelling, index, new ArrayList<>());
    }

    private static ParsedArgs.Value value(List<String> argv, int index, String text) {
        String whole = argv.get(index);
        return new ParsedArgs.Value(index, whole.substring(0, whole.length() - text.length()), text);
    }

    /** Commander's test: a dash followed by anything. */
    static boolean maybeOption(String arg) {
        return arg.length() > 1 && arg.charAt(0) == '-';
    }

    private record Token(int index, String text, boolean synthetic) {
        Token(int index, String text) {
            this(index, text, false);
        }
    }
}
