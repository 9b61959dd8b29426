package dev.claudebridge.daemon.policy;

import dev.claudebridge.daemon.config.ArgumentVocabulary;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * The names a profile's {@code allow-args} and {@code allow-subcommands} may use: the options and
 * subcommands of class opt-in or sandbox in {@link ClaudeCli}, and the value-level rules
 * ({@code --permission-mode=acceptEdits}, {@code --allowedTools=Bash}, ...). A class-never name is an
 * error that says so.
 */
public final class ClaudeArguments {
    /** Value-level rules, with the access they need. */
    static final List<String> VALUE_RULES =
            List.of("--permission-mode=acceptEdits", "--permission-mode=auto", ToolRules.OUTSIDE);

    static final List<String> SANDBOX_RULES = List.of("--permission-mode=bypassPermissions");

    public static final ArgumentVocabulary VOCABULARY = new ArgumentVocabulary() {
        @Override
        public String option(String entry) {
            String e = ArgumentVocabulary.canonicalOption(entry);
            for (String r : allowable()) {
                if (r.equalsIgnoreCase(e)) {
                    return r;
                }
            }
            if (e.startsWith("--allowedTools=") && e.length() > "--allowedTools=".length()) {
                return e; // pre-approving rules for a named tool, e.g. Bash, or one the bridge has not classified
            }
            for (ClaudeCli.Option o : ClaudeCli.PROGRAM_OPTIONS) {
                if (o.names().contains(e)) {
                    throw new IllegalArgumentException("'" + entry + "' "
                            + (o.access() == ClaudeCli.Access.NEVER
                                    ? "can never be allowed: " + o.reason()
                                    : "is allowed to every profile already"));
                }
            }
            throw new IllegalArgumentException("'" + entry + "' is not an argument a profile can allow; those are "
                    + allowable() + " and --allowedTools=TOOL");
        }

        @Override
        public String subcommand(String entry) {
            String e = ArgumentVocabulary.canonicalSubcommand(entry);
            List<String> optIn = new ArrayList<>();
            String never = walk(ClaudeCli.CLAUDE, "", e, optIn);
            if (optIn.contains(e)) {
                return e;
            }
            throw new IllegalArgumentException("'" + entry + "' "
                    + (never.isEmpty() ? "is not a subcommand a profile can allow" : "can never be allowed: " + never)
                    + "; those are " + optIn);
        }
    };

    private ClaudeArguments() {}

    /** Every {@code allow-args} name but {@code --allowedTools=TOOL}. */
    static TreeSet<String> allowable() {
        TreeSet<String> out = new TreeSet<>(VALUE_RULES);
        out.addAll(SANDBOX_RULES);
        for (ClaudeCli.Option o : ClaudeCli.PROGRAM_OPTIONS) {
            if (o.access() == ClaudeCli.Access.OPT_IN || o.access() == ClaudeCli.Access.SANDBOX) {
                out.add(o.canonical());
            }
        }
        return out;
    }

    /** Collects the opt-in subcommand lines; returns the reason if {@code wanted} is a never one. */
    private static String walk(ClaudeCli.Command c, String prefix, String wanted, List<String> optIn) {
        String found = "";
        for (ClaudeCli.Command child : c.children()) {
            String line = prefix.isEmpty() ? child.name() : prefix + " " + child.name();
            if (child.access() == ClaudeCli.Access.OPT_IN) {
                optIn.add(line);
            }
            if (child.access() == ClaudeCli.Access.NEVER
                    && (line.equals(wanted)
                            || wanted.startsWith(line + " ")
                            || child.aliases().stream()
                                    .anyMatch(a -> (prefix.isEmpty() ? a : prefix + " " + a).equals(wanted)))) {
                found = child.reason();
            }
            String deeper = walk(child, line, wanted, optIn);
            found = found.isEmpty() ? deeper : found;
        }
        return found;
    }
}
