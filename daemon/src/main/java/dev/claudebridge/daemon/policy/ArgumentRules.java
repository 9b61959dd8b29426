package dev.claudebridge.daemon.policy;

import java.util.Locale;
import java.util.Map;

/**
 * The arguments and subcommands denied unless a profile allows them, each with the reason an operator
 * reads in the denial. Rule names are what {@code allow-args} and {@code allow-subcommands} take.
 */
public final class ArgumentRules {
    /** Option rules: an option name, or {@code NAME=VALUE} for one value of it. */
    public static final Map<String, String> OPTIONS = ordered(
            "--dangerously-skip-permissions", "it lets claude run every tool on the host without asking",
            "--allow-dangerously-skip-permissions", "it lets the session switch to running every tool on the host without asking",
            "--permission-mode=bypassPermissions", "it lets claude run every tool on the host without asking",
            "--dangerously-load-development-channels", "it loads unreviewed development channels into the host's claude",
            "--managed-settings", "it would let the caller replace the host administrator's managed settings",
            "--deep-link-cwd-b64", "it would move claude's working directory outside the mapped paths");

    /** Subcommand rules, by canonical path; they change the host's installation, its login or its configuration. */
    public static final Map<String, String> SUBCOMMANDS = ordered(
            "update", "it updates the host's Claude Code installation",
            "install", "it installs Claude Code on the host",
            "setup-token", "it creates a long-lived login token for the host's account",
            "auth login", "it changes the host's login",
            "auth logout", "it logs the host out",
            "login", "it changes the host's login",
            "logout", "it logs the host out",
            "migrate-installer", "it changes the host's Claude Code installation",
            "setup", "it changes the host's Claude Code installation",
            "config set", "it changes the host's Claude Code configuration",
            "config add", "it changes the host's Claude Code configuration",
            "config remove", "it changes the host's Claude Code configuration",
            "mcp add", "it adds an MCP server to the host's configuration",
            "mcp add-json", "it adds an MCP server to the host's configuration",
            "mcp add-from-claude-desktop", "it adds MCP servers to the host's configuration",
            "mcp remove", "it removes an MCP server from the host's configuration",
            "mcp login", "it stores MCP credentials on the host",
            "mcp logout", "it removes MCP credentials from the host",
            "mcp xaa", "it changes the host's identity-provider connection",
            "mcp reset-project-choices", "it changes the host's MCP approvals",
            "plugin install", "it installs a plugin on the host",
            "plugin uninstall", "it removes a plugin from the host",
            "plugin enable", "it changes the host's plugins",
            "plugin disable", "it changes the host's plugins",
            "plugin update", "it changes the host's plugins",
            "plugin init", "it writes a plugin into the host's configuration",
            "plugin prune", "it removes plugins from the host",
            "plugin tag", "it writes git tags on the host",
            "plugin marketplace add", "it adds a plugin marketplace to the host's configuration",
            "plugin marketplace remove", "it changes the host's plugin marketplaces",
            "plugin marketplace update", "it changes the host's plugin marketplaces",
            "project purge", "it deletes Claude Code's state on the host",
            "gateway", "it runs a network gateway on the host",
            "import-conversations", "it writes conversations into the host's Claude Code state");

    private ArgumentRules() {
    }

    /**
     * An {@code allow-args} entry in its canonical form ({@code --permission-mode bypassPermissions} and
     * {@code --permission-mode=bypassPermissions} are the same rule).
     *
     * @throws IllegalArgumentException when it names no rule
     */
    public static String normalizeArgRule(String entry) {
        String e = entry.trim().replaceFirst("\\s+", "=");
        for (String rule : OPTIONS.keySet()) {
            if (rule.equalsIgnoreCase(e)) {
                return rule;
            }
        }
        throw new IllegalArgumentException("'" + entry + "' is not a denied argument; the denied ones are " + OPTIONS.keySet());
    }

    /**
     * An {@code allow-subcommands} entry: a rule, or a command above rules (e.g. {@code plugin} allows
     * every denied plugin subcommand).
     *
     * @throws IllegalArgumentException when it covers no rule
     */
    public static String normalizeSubcommandRule(String entry) {
        String e = String.join(" ", entry.trim().toLowerCase(Locale.ROOT).split("\\s+"));
        if (SUBCOMMANDS.keySet().stream().anyMatch(r -> r.equals(e) || r.startsWith(e + " "))) {
            return e;
        }
        throw new IllegalArgumentException("'" + entry + "' is not a denied subcommand; the denied ones are " + SUBCOMMANDS.keySet());
    }

    private static Map<String, String> ordered(String... pairs) {
        java.util.LinkedHashMap<String, String> m = new java.util.LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            m.put(pairs[i], pairs[i + 1]);
        }
        return java.util.Collections.unmodifiableMap(m);
    }
}
