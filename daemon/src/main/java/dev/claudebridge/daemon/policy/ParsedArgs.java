package dev.claudebridge.daemon.policy;

import java.util.List;

/**
 * An argv as claude would read it: the subcommand path, and every option with where its values sit.
 *
 * @param command the subcommand path by canonical names, e.g. {@code [plugin, install]}; empty for a plain run
 * @param options every option given, in order (unknown ones too, with no values: claude refuses those itself)
 */
public record ParsedArgs(List<String> command, List<Use> options) {
    public ParsedArgs {
        command = List.copyOf(command);
        options = options.stream().map(u -> new Use(u.option(), u.spelling(), u.index(), List.copyOf(u.values()))).toList();
    }

    /**
     * One option as given.
     *
     * @param option its definition; empty name list for an option claude does not know
     * @param spelling the option as written, e.g. {@code --permission-mode=bypassPermissions} or {@code -pc}
     * @param index the argv index of the option itself
     * @param values its values, each with its argv index
     */
    public record Use(ClaudeCli.Option option, String spelling, int index, List<Value> values) {
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
    public record Value(int index, String prefix, String text) {
    }
}
