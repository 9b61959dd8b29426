package dev.claudebridge.daemon.policy;

import java.util.List;

/**
 * An argv as claude would read it.
 *
 * @param command the subcommands claude would dispatch to, outermost first; empty for a plain run
 * @param options every option given, in order, unknown ones included (the first one ends the reading)
 * @param operands the argv indexes of the words claude reads as operands (the prompt, or a subcommand's arguments)
 * @param print whether claude runs in print mode, where it registers no subcommands
 */
public record ParsedArgs(List<ClaudeCli.Command> command, List<Use> options, List<Integer> operands, boolean print) {
    public ParsedArgs {
        command = List.copyOf(command);
        options = options.stream()
                .map(u -> new Use(u.option(), u.known(), u.spelling(), u.index(), List.copyOf(u.values())))
                .toList();
        operands = List.copyOf(operands);
    }

    /** The subcommand path by canonical names, e.g. {@code mcp serve}; "" for a plain run. */
    public String commandLine() {
        return String.join(" ", command.stream().map(ClaudeCli.Command::name).toList());
    }

    /**
     * One option as given.
     *
     * @param option its declaration (for an unknown one, a flag named as spelled)
     * @param known whether it is declared
     * @param spelling the option as written, e.g. {@code --permission-mode=bypassPermissions} or {@code -pc}
     * @param index the argv index of the option itself
     * @param values its values, each with its argv index
     */
    public record Use(ClaudeCli.Option option, boolean known, String spelling, int index, List<Value> values) {
        public String name() {
            return option.canonical();
        }
    }

    /**
     * One option value.
     *
     * @param index the argv index holding it
     * @param prefix what precedes the value in that argv element ({@code --opt=} or {@code -n}), "" when it is the whole element
     * @param text the value
     */
    public record Value(int index, String prefix, String text) {}
}
