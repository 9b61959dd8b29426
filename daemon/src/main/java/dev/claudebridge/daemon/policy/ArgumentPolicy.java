package dev.claudebridge.daemon.policy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.claudebridge.protocol.ErrorCode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Closed by default, the way OpenSSH's AcceptEnv is: an argv passes only when claude would read every
 * word of it as something the bridge has classified ({@link ClaudeCli}) and the caller's profile allows.
 * Unknown options, subcommands of class never, anything claude reads before its own parser
 * ({@link EarlyReads}), caller JSON beyond its allow-lists ({@link JsonArguments}) and permission rules
 * that reach outside the workspace ({@link ToolRules}) are refused, each with a message that says why
 * and whether and how a profile can allow it.
 */
public final class ArgumentPolicy {
    /** Largest settings, MCP or agents file the bridge reads to check (claude's own limit is 1 MiB too). */
    static final long MAX_JSON_FILE = 1024 * 1024;

    private final String profile;
    private final Set<String> allowArgs;
    private final List<String> allowSubcommands;
    private final boolean sandboxed;
    private final OptionPaths paths;
    private final List<String> mcpHosts;

    /**
     * @param allowArgs canonical option rules ({@link ArgumentVocabulary#option})
     * @param allowSubcommands canonical subcommand paths ({@link ArgumentVocabulary#subcommand})
     * @param sandboxed whether the profile runs claude in the host-side sandbox
     * @param mcpHosts the hosts a caller's remote MCP servers may be at ({@code mcp-hosts})
     */
    public ArgumentPolicy(
            String profile,
            List<String> allowArgs,
            List<String> allowSubcommands,
            boolean sandboxed,
            OptionPaths paths,
            List<String> mcpHosts) {
        this.profile = profile;
        this.allowArgs = Set.copyOf(allowArgs);
        this.allowSubcommands = List.copyOf(allowSubcommands);
        this.sandboxed = sandboxed;
        this.paths = paths;
        this.mcpHosts = List.copyOf(mcpHosts);
    }

    /** A policy that lists no MCP host. */
    public ArgumentPolicy(
            String profile,
            List<String> allowArgs,
            List<String> allowSubcommands,
            boolean sandboxed,
            OptionPaths paths) {
        this(profile, allowArgs, allowSubcommands, sandboxed, paths, List.of());
    }

    /**
     * The argv to run: checked, with path values mapped to host paths and JSON files replaced by their
     * checked content.
     *
     * @param containerCwd the caller's working directory, as the caller sees it
     * @throws Denial ({@code policy_denied}) naming what is refused and how, if at all, it can be allowed
     */
    public List<String> admit(List<String> argv, String containerCwd) {
        ParsedArgs parsed = ArgvParser.parse(argv);
        check(argv, parsed);
        List<String> out = new ArrayList<>(argv);
        for (ParsedArgs.Use use : parsed.options()) {
            for (ParsedArgs.Value v : use.values()) {
                String mapped = value(use, v.text(), containerCwd);
                if (!mapped.equals(v.text())) {
                    out.set(v.index(), v.prefix() + mapped);
                }
            }
        }
        return out;
    }

    /** Every check that needs no file system: classes, early reads, values. */
    void check(List<String> argv, ParsedArgs parsed) {
        EarlyReads.refused(argv, parsed).ifPresent(word -> {
            throw deny(
                    word,
                    "the argument '" + word
                            + "' is never allowed through the bridge: claude acts on it before reading its"
                            + " options ("
                            + "background sessions, remote control, daemons, deep links, the agent view), wherever it stands;"
                            + " no profile can allow it. To send it as prompt text, put it inside a longer argument.");
        });
        String line = "";
        for (ClaudeCli.Command c : parsed.command()) {
            line = line.isEmpty() ? c.name() : line + " " + c.name();
            switch (c.access()) {
                case NEVER ->
                    throw deny(
                            line,
                            "`claude " + line + "` is never allowed through the bridge: " + c.reason()
                                    + ". No profile can allow it; run it on the host.");
                case OPT_IN, SANDBOX -> {
                    if (!subcommandAllowed(line)) {
                        throw deny(
                                line,
                                "`claude " + line + "` is not allowed by profile '" + profile + "': " + c.reason()
                                        + ". An operator can allow it with allow-subcommands: [\"" + line
                                        + "\"] in profiles." + profile
                                        + " of the bridge's configuration.");
                    }
                }
                case DEFAULT -> {}
            }
        }
        for (ParsedArgs.Use use : parsed.options()) {
            ClaudeCli.Option o = use.option();
            if (!use.known()) {
                throw deny(
                        use.spelling(),
                        "the option " + use.spelling() + " is not one the bridge has classified"
                                + (line.isEmpty() ? "" : " for `claude " + line + "`")
                                + ", and unclassified options are refused. No profile"
                                + " can allow it: the bridge must know how claude reads an option (and what it does) before passing it;"
                                + " a newer claude's options come with a newer bridge.");
            }
            require(o.access(), o.canonical(), o.reason(), "the argument " + use.spelling());
            for (ParsedArgs.Value v : use.values()) {
                checkValue(use, v.text());
            }
        }
        EarlyReads.eagerMismatch(argv, parsed).ifPresent(word -> {
            throw deny(
                    word,
                    "the word '" + word
                            + "' is not allowed through the bridge where it stands: claude's parser reads a value"
                            + " or a prompt there, but claude's start-up scan reads it as a settings option, and the bridge refuses what the two"
                            + " read differently. No profile can allow it.");
        });
    }

    private void checkValue(ParsedArgs.Use use, String value) {
        String name = use.name();
        switch (use.option().kind()) {
            case PERMISSION_MODE ->
                permissionMode(
                        value,
                        "the argument " + use.spelling() + (use.spelling().contains("=") ? "" : " " + value));
            case PROMPT_TOOL -> {
                if (!value.equals("stdio") && !value.startsWith("mcp__")) {
                    throw deny(
                            name,
                            "--permission-prompt-tool may only be stdio (the Agent SDK's) or an MCP tool, not '" + value
                                    + "'");
                }
            }
            case ALLOW_RULES -> {
                for (ToolRules.Rule r : ToolRules.split(value)) {
                    for (ToolRules.Need n : ToolRules.needs(r)) {
                        needs(n.rule(), n.why(), "the rule " + r.text() + " in " + use.spelling());
                    }
                }
            }
            case SETTINGS, MCP_CONFIG, AGENTS -> {
                boolean inline = use.option().kind() == ClaudeCli.Kind.SETTINGS
                        ? JsonArguments.inline(value)
                        : JsonArguments.looksLikeJson(value);
                if (inline) {
                    json(use, value);
                } else if (JsonArguments.looksLikeJson(value)) {
                    throw deny(
                            name,
                            "the value of " + use.spelling()
                                    + " starts like JSON but claude would not read it as JSON: it would"
                                    + " take it as a file path relative to the working directory. The bridge refuses it; pass a JSON object.");
                }
            }
            // the session engine narrows --setting-sources to the profile's sources (SettingsControl): the
            // one place that decides, because it knows what the profile loads
            case TEXT, PATH, FILE_SPEC, DENY_RULES, SETTING_SOURCES -> {}
        }
    }

    private void json(ParsedArgs.Use use, String text) {
        String option = use.name();
        JsonNode n = JsonArguments.parseObject(text, option, gate);
        switch (use.option().kind()) {
            case SETTINGS -> JsonArguments.settings(n, option, gate);
            case MCP_CONFIG -> JsonArguments.mcpConfig(n, option, gate);
            default -> JsonArguments.agents(n, option, gate);
        }
    }

    /** The value to pass: a mapped path, or a checked JSON file's content. */
    private String value(ParsedArgs.Use use, String value, String cwd) {
        return switch (use.option().kind()) {
            case PATH -> paths.map(use.spelling(), value, cwd);
            case FILE_SPEC -> paths.fileSpec(use.spelling(), value, cwd);
            case SETTINGS, MCP_CONFIG, AGENTS -> {
                if (JsonArguments.looksLikeJson(value)) {
                    yield value;
                }
                Path file = Path.of(paths.map(use.spelling(), value, cwd));
                String text;
                try {
                    if (Files.size(file) > MAX_JSON_FILE) {
                        throw deny(
                                use.name(),
                                "the file " + value + " given to " + use.spelling() + " is larger than 1 MiB");
                    }
                    text = Files.readString(file);
                } catch (IOException e) {
                    throw deny(
                            use.name(),
                            "the file " + value + " given to " + use.spelling() + " cannot be read on the host: "
                                    + e.getMessage());
                }
                json(use, text);
                // claude gets what was checked, not a path the caller could rewrite in between
                yield JsonArguments.write(JsonArguments.parseObject(text, use.name(), gate));
            }
            default -> value;
        };
    }

    private void permissionMode(String mode, String where) {
        String m = mode.strip();
        switch (m.toLowerCase(Locale.ROOT)) {
            case "default", "plan", "dontask", "manual" -> {}
            case "acceptedits" -> needs("--permission-mode=acceptEdits", "claude edits files without asking", where);
            case "auto" -> needs("--permission-mode=auto", "a classifier, not a rule, approves tool calls", where);
            case "bypasspermissions" ->
                require(
                        ClaudeCli.Access.SANDBOX,
                        "--permission-mode=bypassPermissions",
                        "it lets claude run every tool on the host without asking",
                        where);
            default ->
                throw deny(
                        "--permission-mode",
                        where + ": '" + mode + "' is not a permission mode the bridge has classified");
        }
    }

    private void needs(String rule, String why, String where) {
        require(ClaudeCli.Access.OPT_IN, rule, why, where);
    }

    private void require(ClaudeCli.Access access, String rule, String why, String where) {
        switch (access) {
            case DEFAULT -> {}
            case NEVER ->
                throw deny(rule, where + " is never allowed through the bridge: " + why + ". No profile can allow it.");
            case OPT_IN -> {
                if (!allowArgs.contains(rule)) {
                    throw deny(
                            rule,
                            where + " is not allowed by profile '" + profile + "': " + why
                                    + ". An operator can allow it with" + " allow-args: [\"" + rule + "\"] in profiles."
                                    + profile + " of the bridge's configuration.");
                }
            }
            case SANDBOX -> {
                if (!allowArgs.contains(rule) || !sandboxed) {
                    throw deny(
                            rule,
                            where + " is not allowed by profile '" + profile + "': " + why
                                    + ". Only a sandboxed profile can" + " allow it (sandbox: on and allow-args: [\""
                                    + rule + "\"]); no unsandboxed profile can.");
                }
            }
        }
    }

    private final JsonArguments.Gate gate = new JsonArguments.Gate() {
        @Override
        public void require(String rule, String why, String where) {
            needs(rule, why, where);
        }

        @Override
        public Denial refuse(String rule, String message) {
            return deny(rule, message);
        }

        @Override
        public void permissionMode(String mode, String where) {
            ArgumentPolicy.this.permissionMode(mode, where);
        }

        @Override
        public void remoteMcpServer(String type, String url, String where) {
            String rule = "--mcp-config:" + type;
            String host = McpHosts.host(url)
                    .orElseThrow(() -> deny(
                            rule,
                            where + " has the URL '" + url + "', which is not allowed through the bridge: only a"
                                    + " plain http(s)://HOST/... URL is (no user info, escapes or spaces), so that the host"
                                    + " checked is the host claude connects to."));
            if (!McpHosts.listed(mcpHosts, host)) {
                throw deny(
                        rule,
                        where + " connects to " + host + ", which is not allowed by profile '" + profile
                                + "' (not in its mcp-hosts): claude would send it the session's tool calls from the"
                                + " host. An operator can allow it"
                                + " with mcp-hosts: [\"" + host + "\"] in profiles." + profile
                                + " of the bridge's configuration.");
            }
        }
    };

    private boolean subcommandAllowed(String line) {
        return allowSubcommands.stream().anyMatch(a -> line.equals(a) || line.startsWith(a + " "));
    }

    private static Denial deny(String rule, String message) {
        return new Denial(ErrorCode.POLICY_DENIED, rule, message);
    }
}
