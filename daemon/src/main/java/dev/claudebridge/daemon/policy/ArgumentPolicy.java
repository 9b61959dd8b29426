package dev.claudebridge.daemon.policy;

import dev.claudebridge.protocol.ErrorCode;
import java.util.List;
import java.util.Set;

/**
 * Denies, by default, the arguments and subcommands that give a caller more than a normal claude run
 * ({@link ArgumentRules}); a profile allows them one by one.
 */
public final class ArgumentPolicy {
    private final String profile;
    private final Set<String> allowArgs;
    private final List<String> allowSubcommands;

    /**
     * @param allowArgs canonical option rules ({@link ArgumentRules#normalizeArgRule})
     * @param allowSubcommands canonical subcommand entries ({@link ArgumentRules#normalizeSubcommandRule})
     */
    public ArgumentPolicy(String profile, List<String> allowArgs, List<String> allowSubcommands) {
        this.profile = profile;
        this.allowArgs = Set.copyOf(allowArgs);
        this.allowSubcommands = List.copyOf(allowSubcommands);
    }

    /**
     * @throws PolicyException ({@code policy_denied}) naming the rule and how to allow it
     */
    public void check(ParsedArgs args) {
        String command = String.join(" ", args.command());
        for (String rule : ArgumentRules.SUBCOMMANDS.keySet()) {
            if ((command.equals(rule) || command.startsWith(rule + " ")) && !subcommandAllowed(command)) {
                throw new PolicyException(ErrorCode.POLICY_DENIED, rule, "`claude " + command + "` is not allowed through the bridge: "
                        + ArgumentRules.SUBCOMMANDS.get(rule) + " (rule '" + rule + "', profile '" + profile + "'). Run it on the host,"
                        + " or an operator can allow it with allow-subcommands: [\"" + rule + "\"] in profiles." + profile
                        + " of the bridge's configuration.");
            }
        }
        for (ParsedArgs.Use use : args.options()) {
            String rule = use.name();
            if (rule.equals("--permission-mode") && use.values().stream().anyMatch(v -> v.text().equalsIgnoreCase("bypassPermissions"))) {
                rule = "--permission-mode=bypassPermissions";
            }
            if (ArgumentRules.OPTIONS.containsKey(rule) && !allowArgs.contains(rule)) {
                throw new PolicyException(ErrorCode.POLICY_DENIED, rule, "the argument " + use.spelling()
                        + (use.values().isEmpty() || use.spelling().contains("=") ? "" : " " + use.values().getFirst().text())
                        + " is not allowed through the bridge: " + ArgumentRules.OPTIONS.get(rule) + " (rule '" + rule + "', profile '"
                        + profile + "'). An operator can allow it with allow-args: [\"" + rule + "\"] in profiles." + profile
                        + " of the bridge's configuration.");
            }
        }
    }

    private boolean subcommandAllowed(String command) {
        return allowSubcommands.stream().anyMatch(a -> command.equals(a) || command.startsWith(a + " "));
    }
}
