package dev.claudebridge.daemon.policy;

import java.util.List;
import java.util.Optional;

/**
 * What the real {@code claude} accepts on its command line, and what the bridge lets a caller use:
 * one declaration per option (its spellings, arity, what its value is, its class and why) and per
 * subcommand. Covers the pinned CLI (2.1.197) and the newest checked (2.1.332): read from their
 * {@code --help} (every subcommand's too; {@code CliSurfaceTest} fails on anything visible that is not
 * declared here) and from their source for the hidden options that matter. Whatever is not declared
 * is refused: the parser cannot know how many words an unknown option takes, so an unknown option
 * cannot be allowed by configuration either.
 */
public final class ClaudeCli {
    /** Whether and how an option takes a value (Commander's {@code <v>}, {@code [v]}, {@code <v...>}). */
    public enum Arity {
        FLAG,
        REQUIRED,
        OPTIONAL,
        VARIADIC
    }

    /** What an option's value is, which decides how it is checked and mapped. */
    public enum Kind {
        TEXT,
        PATH,
        FILE_SPEC,
        /** inline JSON or a file of it: {@link JsonArguments#settings} */
        SETTINGS,
        /** inline JSON or a file of it: {@link JsonArguments#mcpConfig} */
        MCP_CONFIG,
        /** inline JSON or (2.1.332 with --print) a file of it: {@link JsonArguments#agents} */
        AGENTS,
        /** tool permission rules that pre-approve: {@link ToolRules} */
        ALLOW_RULES,
        /** tool permission rules that deny: only narrow, never checked for reach */
        DENY_RULES,
        PERMISSION_MODE,
        /** narrowed to the profile's sources by the session engine, which decides what claude loads */
        SETTING_SOURCES,
        PROMPT_TOOL
    }

    /**
     * Who may use it: everyone; a profile that lists it in {@code allow-args}/{@code allow-subcommands};
     * a profile that lists it and runs sandboxed; nobody.
     */
    public enum Access {
        DEFAULT,
        OPT_IN,
        SANDBOX,
        NEVER
    }

    /** One option. The canonical name (the first long one) is what {@code allow-args} takes. */
    public record Option(List<String> names, Arity arity, Kind kind, Access access, String reason) {
        public String canonical() {
            return names.stream().filter(n -> n.startsWith("--")).findFirst().orElse(names.getFirst());
        }
    }

    /**
     * A command: its name and aliases, class, options and subcommands. A group ({@code mcp},
     * {@code plugin}) with class DEFAULT only prints its help; its subcommands carry their own class.
     */
    public record Command(
            String name,
            List<String> aliases,
            Access access,
            String reason,
            List<Option> options,
            List<Command> children) {
        public Optional<Option> option(String spelling) {
            return options.stream().filter(o -> o.names().contains(spelling)).findFirst();
        }

        public Optional<Command> child(String word) {
            return children.stream()
                    .filter(c -> c.name().equals(word) || c.aliases().contains(word))
                    .findFirst();
        }
    }

    private static final String HOST_SHELL = "it lets claude run commands on the host without asking";
    private static final String OUTSIDE_REQUEST =
            "it starts or reaches work outside this request (another process, a remote session or another caller's)";
    private static final String HOST_CONFIG =
            "it changes or reads the host's Claude Code installation, login or configuration";

    private static Option o(Arity arity, Kind kind, Access access, String reason, String... names) {
        return new Option(List.of(names), arity, kind, access, reason);
    }

    private static Option flag(String... names) {
        return o(Arity.FLAG, Kind.TEXT, Access.DEFAULT, "", names);
    }

    private static Option text(String... names) {
        return o(Arity.REQUIRED, Kind.TEXT, Access.DEFAULT, "", names);
    }

    private static Option never(Arity arity, String reason, String... names) {
        return o(arity, Kind.TEXT, Access.NEVER, reason, names);
    }

    private static Option optIn(Arity arity, Kind kind, String reason, String... names) {
        return o(arity, kind, Access.OPT_IN, reason, names);
    }

    private static final Option HELP = flag("-h", "--help");

    /** The root program's options, both versions together. */
    static final List<Option> PROGRAM_OPTIONS = List.of(
            HELP,
            flag("-v", "--version"),
            flag("-p", "--print"),
            flag("--verbose"),
            // output and input of a -p run, as the Agent SDK uses them
            text("--output-format"),
            text("--input-format"),
            flag("--include-partial-messages"),
            flag("--include-hook-events"),
            flag("--replay-user-messages"),
            flag("--forward-subagent-text"),
            flag("--enable-auth-status"),
            flag("--session-mirror"),
            o(Arity.OPTIONAL, Kind.TEXT, Access.DEFAULT, "", "--prompt-suggestions"),
            // the model and its limits
            text("--model"),
            text("--fallback-model"),
            text("--effort"),
            text("--max-turns"),
            text("--max-budget-usd"),
            text("--task-budget"),
            text("--json-schema"),
            text("--thinking"),
            text("--thinking-display"),
            text("--max-thinking-tokens"),
            text("--system-prompt"),
            text("--append-system-prompt"),
            text("--plan-mode-instructions"),
            text("--autocompact"),
            text("--system-prompt-snapshot"),
            flag("--exclude-dynamic-system-prompt-sections"),
            text("--agent"),
            text("-n", "--name"),
            flag("--brief"),
            flag("--ax-screen-reader"),
            flag("--disable-slash-commands"),
            flag("--no-chrome"),
            o(Arity.REQUIRED, Kind.PATH, Access.DEFAULT, "", "--system-prompt-file"),
            o(Arity.REQUIRED, Kind.PATH, Access.DEFAULT, "", "--append-system-prompt-file"),
            o(Arity.VARIADIC, Kind.FILE_SPEC, Access.DEFAULT, "", "--file"),
            optIn(Arity.VARIADIC, Kind.TEXT, "it turns on API beta features billed to the host's account", "--betas"),
            optIn(
                    Arity.REQUIRED,
                    Kind.AGENTS,
                    "caller-defined agents carry their own prompts, tools and permission modes",
                    "--agents"),
            // narrowing modes: they load less, never more
            flag("--bare"),
            flag("--safe-mode"),
            flag("--restricted"),
            flag("--strict-mcp-config"),
            o(Arity.OPTIONAL, Kind.TEXT, Access.DEFAULT, "", "-d", "--debug"),
            flag("-d2e", "--debug-to-stderr"),
            // sessions: their ownership is checked by the session engine, not here
            flag("--no-session-persistence"),
            text("--session-id"),
            flag("-c", "--continue"),
            o(Arity.OPTIONAL, Kind.TEXT, Access.DEFAULT, "", "-r", "--resume"),
            flag("--fork-session"),
            text("--resume-session-at"),
            // permissions
            o(Arity.REQUIRED, Kind.PERMISSION_MODE, Access.DEFAULT, "", "--permission-mode"),
            o(Arity.VARIADIC, Kind.ALLOW_RULES, Access.DEFAULT, "", "--allowedTools", "--allowed-tools"),
            o(Arity.VARIADIC, Kind.DENY_RULES, Access.DEFAULT, "", "--disallowedTools", "--disallowed-tools"),
            o(Arity.VARIADIC, Kind.TEXT, Access.DEFAULT, "", "--tools"),
            o(Arity.REQUIRED, Kind.PROMPT_TOOL, Access.DEFAULT, "", "--permission-prompt-tool"),
            text("--permission-prompts"),
            o(Arity.FLAG, Kind.TEXT, Access.SANDBOX, HOST_SHELL, "--dangerously-skip-permissions"),
            o(
                    Arity.FLAG,
                    Kind.TEXT,
                    Access.SANDBOX,
                    "it lets the session switch to running every tool without asking",
                    "--allow-dangerously-skip-permissions"),
            optIn(
                    Arity.FLAG,
                    Kind.TEXT,
                    "auto mode approves tool calls by a classifier, not by a rule",
                    "--enable-auto-mode"),
            // the Agent SDK (0.3.337 on) sends its MCP servers other than in-process ones in the initialize
            // request on stdin instead of --mcp-config, and says so with this flag; alone it reads only that
            // request's launch-scoped fields (mcpServers, plugins), not its settings; the session engine's
            // ControlGate checks that request on stdin as it would --mcp-config
            flag("--await-initialize"),
            // configuration the caller brings: checked key by key, files read and checked by the bridge
            o(Arity.REQUIRED, Kind.SETTINGS, Access.DEFAULT, "", "--settings"),
            o(Arity.VARIADIC, Kind.MCP_CONFIG, Access.DEFAULT, "", "--mcp-config"),
            o(Arity.REQUIRED, Kind.SETTING_SOURCES, Access.DEFAULT, "", "--setting-sources"),
            o(Arity.VARIADIC, Kind.PATH, Access.DEFAULT, "", "--add-dir"),
            optIn(Arity.REQUIRED, Kind.PATH, "a plugin's hooks and MCP servers run on the host", "--plugin-dir"),
            optIn(Arity.REQUIRED, Kind.PATH, "a plugin's hooks run on the host", "--plugin-dir-no-mcp"),
            optIn(
                    Arity.VARIADIC,
                    Kind.TEXT,
                    "channels are MCP servers that push messages into the session",
                    "--channels"),
            optIn(
                    Arity.OPTIONAL,
                    Kind.TEXT,
                    "it creates git worktrees and branches in the mapped repository",
                    "-w",
                    "--worktree"),
            optIn(Arity.FLAG, Kind.TEXT, "it runs the Setup hooks", "--init"),
            optIn(Arity.FLAG, Kind.TEXT, "it runs the Setup hooks", "--init-only"),
            optIn(Arity.FLAG, Kind.TEXT, "it runs the maintenance hooks", "--maintenance"),
            optIn(Arity.OPTIONAL, Kind.TEXT, "it resumes a session found through the host's GitHub login", "--from-pr"),
            // never
            never(
                    Arity.VARIADIC,
                    "it loads unreviewed development channels into the host's claude",
                    "--dangerously-load-development-channels"),
            never(Arity.REQUIRED, "it would replace the host administrator's managed settings", "--managed-settings"),
            never(
                    Arity.FLAG,
                    "it reads settings from stdin, past the bridge's checks",
                    "--managed-settings-in-initialize"),
            never(Arity.REQUIRED, "it reads settings from stdin, past the bridge's checks", "--initialize-fields"),
            never(Arity.REQUIRED, "it fetches a plugin, whose hooks run on the host, from a URL", "--plugin-url"),
            never(Arity.REQUIRED, "it writes a file at a host path the caller chooses", "--debug-file"),
            never(Arity.FLAG, OUTSIDE_REQUEST, "--bg", "--background"),
            never(Arity.FLAG, OUTSIDE_REQUEST, "--tmux"),
            never(Arity.OPTIONAL, OUTSIDE_REQUEST, "--teleport"),
            never(Arity.OPTIONAL, "it uploads the repository to a cloud session", "--cloud"),
            never(Arity.OPTIONAL, "it uploads the repository to a cloud session", "--remote"),
            never(Arity.REQUIRED, "it starts a cloud session", "--environment"),
            never(Arity.OPTIONAL, OUTSIDE_REQUEST, "--remote-control"),
            never(Arity.OPTIONAL, OUTSIDE_REQUEST, "--rc"),
            never(Arity.REQUIRED, OUTSIDE_REQUEST, "--remote-control-session-name-prefix"),
            never(Arity.REQUIRED, OUTSIDE_REQUEST, "--sdk-url"),
            never(Arity.FLAG, "it opens the host's desktop app", "--desktop"),
            never(Arity.FLAG, "it connects to an IDE on the host", "--ide"),
            never(Arity.FLAG, "it drives the host's browser", "--chrome"),
            never(
                    Arity.REQUIRED,
                    "it would move claude's working directory outside the mapped paths",
                    "--deep-link-cwd-b64"),
            never(Arity.REQUIRED, "it handles a deep link as the host's protocol handler", "--handle-uri"));

    private static Command cmd(
            String name,
            List<String> aliases,
            Access access,
            String reason,
            List<Option> options,
            Command... children) {
        return new Command(name, aliases, access, reason, options, List.of(children));
    }

    /** A subcommand nobody may run through the bridge; its options do not matter. */
    private static Command never(String name, String reason, String... aliases) {
        return cmd(name, List.of(aliases), Access.NEVER, reason, List.of(HELP));
    }

    /** A group that only prints its help when run bare. */
    private static Command group(String name, List<String> aliases, Command... children) {
        return cmd(name, aliases, Access.DEFAULT, "", List.of(HELP), children);
    }

    private static final Command HELP_COMMAND = cmd("help", List.of(), Access.DEFAULT, "", List.of(HELP));

    /** The command tree of both versions, with the legacy commands older hosts may still have. */
    public static final Command CLAUDE = cmd(
            "claude",
            List.of(),
            Access.DEFAULT,
            "",
            PROGRAM_OPTIONS,
            never("agents", OUTSIDE_REQUEST),
            never("attach", OUTSIDE_REQUEST),
            never("logs", OUTSIDE_REQUEST),
            never("stop", OUTSIDE_REQUEST, "kill"),
            never("respawn", OUTSIDE_REQUEST),
            never("rm", OUTSIDE_REQUEST),
            never("daemon", OUTSIDE_REQUEST),
            never("remote-control", OUTSIDE_REQUEST, "rc", "remote", "sync", "bridge"),
            never("self-hosted-runner", OUTSIDE_REQUEST),
            never("ultrareview", "it uploads the repository for a cloud review"),
            group(
                    "auth",
                    List.of(),
                    never("login", HOST_CONFIG),
                    never("logout", HOST_CONFIG),
                    HELP_COMMAND,
                    cmd(
                            "status",
                            List.of(),
                            Access.OPT_IN,
                            "it shows the host's account",
                            List.of(HELP, flag("--json"), flag("--text")))),
            never("auto-mode", HOST_CONFIG),
            never(
                    "doctor",
                    "it reads settings files in the working directory without a trust prompt and inspects the host's installation"),
            never("gateway", "it runs a network gateway on the host"),
            never("import", HOST_CONFIG),
            never("import-conversations", HOST_CONFIG),
            never("install", HOST_CONFIG),
            group(
                    "mcp",
                    List.of(),
                    never("add", HOST_CONFIG),
                    never("add-from-claude-desktop", HOST_CONFIG),
                    never("add-json", HOST_CONFIG),
                    cmd(
                            "get",
                            List.of(),
                            Access.OPT_IN,
                            "it shows the host's MCP servers, and health-checks them",
                            List.of(HELP)),
                    cmd(
                            "list",
                            List.of(),
                            Access.OPT_IN,
                            "it lists the host's MCP servers, and health-checks them",
                            List.of(HELP)),
                    never("login", HOST_CONFIG),
                    never("logout", HOST_CONFIG),
                    never("remove", HOST_CONFIG),
                    never("reset-project-choices", HOST_CONFIG),
                    never("serve", "it serves claude's own tools (Bash, Read, Write) to the caller: a host shell"),
                    never("xaa", HOST_CONFIG),
                    HELP_COMMAND),
            never("plugin", "plugins run hooks and MCP servers on the host", "plugins"),
            never("purge", "it deletes Claude Code's state on the host"),
            group("project", List.of(), never("purge", "it deletes Claude Code's state on the host"), HELP_COMMAND),
            never("setup-token", HOST_CONFIG),
            never("update", HOST_CONFIG, "upgrade"),
            never("apply-project-settings", HOST_CONFIG),
            never("config", HOST_CONFIG),
            never("login", HOST_CONFIG),
            never("logout", HOST_CONFIG),
            never("migrate-installer", HOST_CONFIG),
            never("setup", HOST_CONFIG));

    private ClaudeCli() {}
}
