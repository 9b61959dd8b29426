package dev.claudebridge.daemon.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.claudebridge.protocol.ErrorCode;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Every spelling claude (Commander.js) reads as a denied flag is denied; the same text as a value or prompt is not. */
class ArgumentPolicyTest {
    private static final ArgumentPolicy DEFAULT = new ArgumentPolicy("default", List.of(), List.of());

    private static List<String> argv(String spaced) {
        return Arrays.asList(spaced.split("\\|"));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = ';', value = {
            "--dangerously-skip-permissions; --dangerously-skip-permissions",
            "-p|hi|--dangerously-skip-permissions; --dangerously-skip-permissions",
            "-p|--dangerously-skip-permissions; --dangerously-skip-permissions", // -p is a flag: the next word is read as an option
            "hello|--dangerously-skip-permissions|-p; --dangerously-skip-permissions",
            "--dangerously-skip-permissions=1; --dangerously-skip-permissions",
            "-pc|--dangerously-skip-permissions; --dangerously-skip-permissions",
            "-d|--dangerously-skip-permissions; --dangerously-skip-permissions", // an optional value never starts with -
            "-r|--dangerously-skip-permissions; --dangerously-skip-permissions",
            "--allowedTools|Bash|Edit|--dangerously-skip-permissions; --dangerously-skip-permissions",
            "--add-dir|/w|--dangerously-skip-permissions|-p; --dangerously-skip-permissions",
            "--dangerously-skip-permissions|mcp|list; --dangerously-skip-permissions",
            "agents|--dangerously-skip-permissions; --dangerously-skip-permissions",
            "--allow-dangerously-skip-permissions; --allow-dangerously-skip-permissions",
            "agents|--allow-dangerously-skip-permissions; --allow-dangerously-skip-permissions",
            "--permission-mode|bypassPermissions; --permission-mode=bypassPermissions",
            "--permission-mode=bypassPermissions; --permission-mode=bypassPermissions",
            "-p|--permission-mode|bypassPermissions|hi; --permission-mode=bypassPermissions",
            "agents|--permission-mode|bypassPermissions; --permission-mode=bypassPermissions",
            "--permission-mode|BYPASSPERMISSIONS; --permission-mode=bypassPermissions",
            "--dangerously-load-development-channels|x; --dangerously-load-development-channels",
            "--managed-settings|{}; --managed-settings",
            "--deep-link-cwd-b64|Lw; --deep-link-cwd-b64",
            "update; update",
            "upgrade; update",
            "-p|update; update",
            "install|stable; install",
            "setup-token; setup-token",
            "auth|login; auth login",
            "auth|logout; auth logout",
            "login; login",
            "logout; logout",
            "config|set|-g|theme|dark; config set",
            "config|add|x|y; config add",
            "config|rm|x; config remove",
            "mcp|add|srv|--|npx|server; mcp add",
            "mcp|add-json|srv|{}; mcp add-json",
            "mcp|add-from-claude-desktop; mcp add-from-claude-desktop",
            "mcp|remove|srv; mcp remove",
            "mcp|xaa|setup; mcp xaa",
            "plugin|install|x; plugin install",
            "plugins|i|x; plugin install",
            "plugin|uninstall|x; plugin uninstall",
            "plugin|remove|x; plugin uninstall",
            "plugin|enable|x; plugin enable",
            "plugin|disable; plugin disable",
            "plugin|update|x; plugin update",
            "plugin|new|x; plugin init",
            "plugin|autoremove; plugin prune",
            "plugin|marketplace|add|owner/repo; plugin marketplace add",
            "plugin|marketplace|rm|x; plugin marketplace remove",
            "project|purge; project purge",
            "gateway|--config|/x; gateway",
    })
    void denied(String args, String rule) {
        Denial e = catchThrowableOfType(Denial.class, () -> DEFAULT.check(ArgvParser.parse(argv(args))));
        assertThat(e).as(args).isNotNull();
        assertThat(e.code()).isEqualTo(ErrorCode.POLICY_DENIED);
        assertThat(e.rule()).isEqualTo(rule);
        assertThat(e.getMessage()).contains("'" + rule + "'").contains("profile 'default'")
                .containsAnyOf("allow-args: [\"" + rule + "\"]", "allow-subcommands: [\"" + rule + "\"]");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
            "-p|hello",
            "-p|--|--dangerously-skip-permissions", // after -- it is the prompt
            "--|--dangerously-skip-permissions|update",
            "-p|explain --dangerously-skip-permissions to me",
            "--model|--dangerously-skip-permissions|-p|hi", // a required value is taken whatever it looks like
            "--system-prompt|--dangerously-skip-permissions",
            "--append-system-prompt=--dangerously-skip-permissions",
            "--debug=--dangerously-skip-permissions",
            "-n--dangerously-skip-permissions",
            "--permission-mode|acceptEdits|-p|bypassPermissions",
            "--permission-mode|plan",
            "-p|--system-prompt|update",
            "hello|update", // only the first operand can be a subcommand
            "--model|update|-p|hi",
            "-p|install the package",
            "mcp|list",
            "mcp|get|srv",
            "mcp|serve",
            "plugin|list",
            "plugin|marketplace|list",
            "auth|status",
            "doctor",
            "agents|--json",
            "--dangerously-skip-perm", // claude does not take abbreviations: it refuses this itself
            "--no-dangerously-skip-permissions",
    })
    void notDenied(String args) {
        assertThatCode(() -> DEFAULT.check(ArgvParser.parse(argv(args)))).as(args).doesNotThrowAnyException();
    }

    @ParameterizedTest
    @CsvSource(delimiter = ';', value = {
            "--dangerously-skip-permissions; --dangerously-skip-permissions; ",
            "--permission-mode|bypassPermissions; --permission-mode=bypassPermissions; ",
            "mcp|add|x|y; ; mcp add",
            "plugin|marketplace|add|x; ; plugin",
            "mcp|xaa|setup; ; mcp xaa",
    })
    void aProfileCanAllowEachRule(String args, String allowArg, String allowSub) {
        ArgumentPolicy p = new ArgumentPolicy("ci", allowArg == null ? List.of() : List.of(ArgumentRules.normalizeArgRule(allowArg)),
                allowSub == null ? List.of() : List.of(ArgumentRules.normalizeSubcommandRule(allowSub)));
        assertThatCode(() -> p.check(ArgvParser.parse(argv(args)))).doesNotThrowAnyException();
    }

    @ParameterizedTest
    @ValueSource(strings = {"--verbose", "--dangerously", "bypassPermissions"})
    void unknownAllowArgsAreConfigurationErrors(String entry) {
        assertThat(catchThrowableOfType(IllegalArgumentException.class, () -> ArgumentRules.normalizeArgRule(entry)))
                .hasMessageContaining("not a denied argument");
    }

    @ParameterizedTest
    @ValueSource(strings = {"doctor", "mcp list", "plugins install"})
    void unknownAllowSubcommandsAreConfigurationErrors(String entry) {
        assertThat(catchThrowableOfType(IllegalArgumentException.class, () -> ArgumentRules.normalizeSubcommandRule(entry)))
                .hasMessageContaining("not a denied subcommand");
    }
}
