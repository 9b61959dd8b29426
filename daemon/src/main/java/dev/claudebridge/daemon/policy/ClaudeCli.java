package dev.claudebridge.daemon.policy;

import java.util.List;
import java.util.Optional;

/**
 * What the real {@code claude} (Claude Code 2.1, a Commander.js program with positional options)
 * accepts on its command line: each option's spellings, whether it takes a value, and what the value
 * is; and its subcommands. Read from {@code claude --help}, the subcommands' help, and the hidden
 * options in the CLI's own option table. The parser ({@link ArgvParser}) follows Commander's rules, so
 * the policy sees an option exactly where claude would, and a value or a prompt where claude would.
 */
public final class ClaudeCli {
    /** Whether and how an option takes a value (Commander's {@code <v>}, {@code [v]}, {@code <v...>}). */
    public enum Arity { FLAG, REQUIRED, OPTIONAL, VARIADIC }

    /** What an option's value means, for path mapping. */
    public enum Kind { TEXT, PATH, PATH_OR_JSON, FILE_SPEC }

    /** One option: its names (short and long), arity and value kind. The canonical name is the first long one. */
    public record Option(List<String> names, Arity arity, Kind kind) {
        public String canonical() {
            return names.stream().filter(n -> n.startsWith("--")).findFirst().orElse(names.getFirst());
        }
    }

    /** A command: its name and aliases, options, and subcommands. */
    public record Command(String name, List<String> aliases, List<Option> options, List<Command> children) {
        public Optional<Option> option(String spelling) {
            return options.stream().filter(o -> o.names().contains(spelling)).findFirst();
        }

        public Optional<Command> child(String word) {
            return children.stream().filter(c -> c.name().equals(word) || c.aliases().contains(word)).findFirst();
        }
    }

    private static Option flag(String... names) {
        return new Option(List.of(names), Arity.FLAG, Kind.TEXT);
    }

    private static Option value(String... names) {
        return new Option(List.of(names), Arity.REQUIRED, Kind.TEXT);
    }

    private static Option optional(String... names) {
        return new Option(List.of(names), Arity.OPTIONAL, Kind.TEXT);
    }

    private static Option many(String... names) {
        return new Option(List.of(names), Arity.VARIADIC, Kind.TEXT);
    }

    private static Option path(Arity arity, Kind kind, String... names) {
        return new Option(List.of(names), arity, kind);
    }

    private static Command cmd(String name, List<String> aliases, List<Option> options, Command... children) {
        return new Command(name, aliases, options, List.of(children));
    }

    private static Command cmd(String name, Command... children) {
        return cmd(name, List.of(), List.of(flag("-h", "--help")), children);
    }

    private static final List<Option> PROGRAM_OPTIONS = List.of(
            flag("-h", "--help"), flag("-v", "--version"), optional("-d", "--debug"), flag("-d2e", "--debug-to-stderr"),
            path(Arity.REQUIRED, Kind.PATH, "--debug-file"), flag("--verbose"), flag("-p", "--print"), flag("--bare"),
            flag("--safe-mode"), flag("--init"), flag("--init-only"), flag("--maintenance"), value("--output-format"),
            value("--json-schema"), flag("--include-hook-events"), flag("--include-partial-messages"), flag("--session-mirror"),
            value("--input-format"), flag("--dangerously-skip-permissions"), flag("--allow-dangerously-skip-permissions"),
            value("--thinking"), value("--thinking-display"), value("--max-thinking-tokens"), value("--max-turns"),
            value("--max-budget-usd"), value("--task-budget"), flag("--replay-user-messages"), optional("--prompt-suggestions"),
            flag("--enable-auth-status"), many("--allowedTools", "--allowed-tools"), many("--tools"),
            many("--disallowedTools", "--disallowed-tools"), path(Arity.VARIADIC, Kind.PATH_OR_JSON, "--mcp-config"),
            value("--permission-prompt-tool"), value("--system-prompt"), path(Arity.REQUIRED, Kind.PATH, "--system-prompt-file"),
            value("--append-system-prompt"), path(Arity.REQUIRED, Kind.PATH, "--append-system-prompt-file"),
            value("--plan-mode-instructions"), flag("--exclude-dynamic-system-prompt-sections"), value("--permission-mode"),
            flag("-c", "--continue"), optional("-r", "--resume"), flag("--fork-session"), value("--prefill"),
            flag("--deep-link-origin"), value("--deep-link-repo"), value("--deep-link-last-fetch"), value("--prefill-b64"),
            value("--deep-link-cwd-b64"), optional("--from-pr"), flag("--no-session-persistence"), value("--resume-session-at"),
            flag("--reply-on-resume"), value("--rewind-files"), value("--model"), value("--effort"), value("--agent"),
            many("--betas"), value("--fallback-model"), value("--workload"), path(Arity.REQUIRED, Kind.PATH_OR_JSON, "--settings"),
            value("--managed-settings"), path(Arity.VARIADIC, Kind.PATH, "--add-dir"), flag("--ide"), flag("--strict-mcp-config"),
            value("--session-id"), value("-n", "--name"), value("--agents"), value("--setting-sources"),
            path(Arity.REQUIRED, Kind.PATH, "--plugin-dir"), path(Arity.REQUIRED, Kind.PATH, "--plugin-dir-no-mcp"),
            value("--plugin-url"), flag("--disable-slash-commands"), flag("--chrome"), flag("--no-chrome"),
            path(Arity.VARIADIC, Kind.FILE_SPEC, "--file"), optional("-w", "--worktree"), flag("--tmux"), value("--advisor"),
            flag("--enable-auto-mode"), flag("--bg", "--background"), flag("--brief"), flag("--ax-screen-reader"),
            many("--channels"), many("--dangerously-load-development-channels"), value("--agent-id"), value("--agent-name"),
            value("--team-name"), value("--agent-color"), flag("--plan-mode-required"), value("--parent-session-id"),
            value("--teammate-mode"), value("--agent-type"), value("--sdk-url"), optional("--teleport"), optional("--cloud"),
            optional("--remote"), optional("--remote-control"), optional("--rc"), value("--remote-control-session-name-prefix"));

    private static final List<Option> AGENTS_OPTIONS = List.of(
            flag("-h", "--help"), path(Arity.REQUIRED, Kind.PATH, "--add-dir"), value("--agent"), flag("--all"),
            flag("--allow-dangerously-skip-permissions"), path(Arity.REQUIRED, Kind.PATH, "--cwd"),
            flag("--dangerously-skip-permissions"), value("--effort"), flag("--json"),
            path(Arity.REQUIRED, Kind.PATH_OR_JSON, "--mcp-config"), value("--model"), value("--permission-mode"),
            path(Arity.REQUIRED, Kind.PATH, "--plugin-dir"), path(Arity.REQUIRED, Kind.PATH, "--plugin-dir-no-mcp"),
            value("--setting-sources"), path(Arity.REQUIRED, Kind.PATH_OR_JSON, "--settings"), flag("--strict-mcp-config"));

    /** The whole command tree, including the legacy commands older versions had ({@code config}, {@code login}). */
    public static final Command CLAUDE = cmd("claude", List.of(), PROGRAM_OPTIONS,
            cmd("agents", List.of(), AGENTS_OPTIONS),
            cmd("auth", cmd("login"), cmd("logout"), cmd("status")),
            cmd("auto-mode", cmd("config"), cmd("critique"), cmd("defaults")),
            cmd("doctor"),
            cmd("gateway", List.of(), List.of(flag("-h", "--help"), path(Arity.REQUIRED, Kind.PATH, "--config"))),
            cmd("install"),
            cmd("mcp", cmd("add"), cmd("add-from-claude-desktop"), cmd("add-json"), cmd("get"), cmd("list"), cmd("login"),
                    cmd("logout"), cmd("remove"), cmd("reset-project-choices"), cmd("serve"), cmd("xaa")),
            cmd("plugin", List.of("plugins"), List.of(flag("-h", "--help")), cmd("details"), cmd("disable"), cmd("enable"),
                    cmd("init", List.of("new"), List.of()), cmd("install", List.of("i"), List.of()), cmd("list"),
                    cmd("marketplace", cmd("add"), cmd("list"), cmd("remove", List.of("rm"), List.of()), cmd("update")),
                    cmd("prune", List.of("autoremove"), List.of()), cmd("tag"), cmd("uninstall", List.of("remove"), List.of()),
                    cmd("update"), cmd("validate")),
            cmd("project", cmd("purge")),
            cmd("setup-token"),
            cmd("ultrareview"),
            cmd("update", List.of("upgrade"), List.of()),
            cmd("remote-control"),
            cmd("import-conversations"),
            // gone from 2.x, still in hosts that have not updated
            cmd("config", cmd("get"), cmd("set"), cmd("add"), cmd("remove", List.of("rm"), List.of()), cmd("list", List.of("ls"), List.of())),
            cmd("login"), cmd("logout"), cmd("migrate-installer"), cmd("setup"));

    private ClaudeCli() {
    }
}
