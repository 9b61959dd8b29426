package dev.claudebridge.daemon.policy;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What claude reads from its argv before its parser runs, and so where it does not agree with
 * Commander's reading. Found in the CLI's start-up code (2.1.197 and 2.1.332):
 * <ul>
 * <li>words looked for anywhere, even after {@code --} or as another option's value: {@code --bg},
 * {@code --background} and {@code --routine} (start a background session), {@code --tmux} (with a
 * worktree, replaces the process with tmux), {@code --handle-uri} (deep links), {@code cc://} URLs;
 * <li>the first word: {@code remote-control}/{@code rc}/{@code remote}/{@code sync}/{@code bridge},
 * {@code daemon}, and the background-session verbs {@code logs}, {@code attach}, {@code stop},
 * {@code kill}, {@code respawn}, {@code rm}, {@code plugin test}, and internal modes spelled as options;
 * <li>2.1.332 also finds a background-session verb as the first operand behind root options, but only
 * in its own form {@code VERB ID} (eight hex digits) or {@code respawn --all}, and not behind an option
 * that picks another mode ({@code -p}, {@code --help}, ...) or after {@code --}: {@code claude -p
 * --model m stop} is a prompt;
 * <li>{@code agents} anywhere when everything else is debug flags (the agent view);
 * <li>{@code --settings}, {@code --managed-settings} and {@code --setting-sources}, read by a scan of
 * the words before {@code --} that does not know which options take values: {@code --system-prompt
 * --settings '{"env":…}'} is a prompt to Commander and a settings flag to the scan.
 * </ul>
 */
final class EarlyReads {
    private static final Set<String> FIRST_WORDS = Set.of(
            "remote-control",
            "rc",
            "remote",
            "sync",
            "bridge",
            "daemon",
            "logs",
            "attach",
            "stop",
            "kill",
            "respawn",
            "rm",
            "apply-project-settings",
            "self-hosted-runner");
    private static final Set<String> BACKGROUND_VERBS = Set.of("logs", "attach", "stop", "kill", "respawn", "rm");
    /** A background session's short id. */
    private static final Pattern SHORT_ID = Pattern.compile("[a-f0-9]{8}");
    /** Options after which claude does not look for a background-session verb. */
    private static final Set<String> OTHER_MODES =
            Set.of("-p", "--print", "--bg", "--background", "--routine", "-h", "--help", "-v", "-V", "--version");

    private static final List<String> EAGER = List.of("--settings", "--managed-settings", "--setting-sources");

    private EarlyReads() {}

    /** The word claude would act on before parsing, if any, with why it is refused. */
    static Optional<String> refused(List<String> argv, ParsedArgs parsed) {
        for (String a : argv) {
            if (a.equals("--bg")
                    || a.equals("--background")
                    || a.equals("--routine")
                    || a.startsWith("--routine=")
                    || a.equals("--tmux")
                    || a.startsWith("--tmux=")
                    || a.equals("--handle-uri")
                    || a.startsWith("cc://")
                    || a.startsWith("cc+unix://")) {
                return Optional.of(a);
            }
        }
        if (!argv.isEmpty()
                && (FIRST_WORDS.contains(argv.getFirst())
                        || argv.getFirst().startsWith("--") && isInternalMode(argv.getFirst()))) {
            return Optional.of(argv.getFirst());
        }
        if (argv.size() > 1
                && (argv.get(0).equals("plugin") || argv.get(0).equals("plugins"))
                && (argv.get(1).equals("test") || argv.get(1).equals("validate"))) {
            return Optional.of(argv.get(0) + " " + argv.get(1)); // run before the parser, print mode or not
        }
        if (!parsed.operands().isEmpty()
                && verbBehindOptions(argv, parsed, parsed.operands().getFirst())) {
            return Optional.of(argv.get(parsed.operands().getFirst()));
        }
        int agents = argv.indexOf("agents");
        if (agents >= 0) {
            boolean onlyDebug = true;
            for (int i = 0; i < argv.size(); i++) {
                String a = argv.get(i);
                if (i == agents) {
                    continue;
                }
                if (a.equals("--debug-file") && i + 1 < argv.size()) {
                    i++;
                    continue;
                }
                onlyDebug &= a.equals("--debug")
                        || a.equals("-d")
                        || a.equals("--debug-to-stderr")
                        || a.equals("-d2e")
                        || a.startsWith("--debug=")
                        || a.startsWith("--debug-file=");
            }
            if (onlyDebug) {
                return Optional.of("agents");
            }
        }
        return Optional.empty();
    }

    /** Whether claude would take the first operand, at {@code at}, as a background-session verb. */
    private static boolean verbBehindOptions(List<String> argv, ParsedArgs parsed, int at) {
        String verb = argv.get(at);
        String next = at + 1 < argv.size() ? argv.get(at + 1) : "";
        if (!BACKGROUND_VERBS.contains(verb)
                || (at > 0 && argv.get(at - 1).equals("--"))
                || !(SHORT_ID.matcher(next).matches() || (verb.equals("respawn") && next.equals("--all")))) {
            return false;
        }
        // claude skips option values as Commander does; only the options themselves can pick another mode
        return parsed.options().stream()
                .filter(u -> u.index() < at)
                .map(ParsedArgs.Use::spelling)
                .noneMatch(o -> OTHER_MODES.contains(o) || o.startsWith("--routine=") || o.matches("-[A-Za-z]{2,}"));
    }

    /**
     * A word before {@code --} that the early scan reads as a settings option while Commander reads it
     * as something else (a value, a prompt), if any.
     */
    static Optional<String> eagerMismatch(List<String> argv, ParsedArgs parsed) {
        for (int i = 0; i < argv.size(); i++) {
            String a = argv.get(i);
            if (a.equals("--")) {
                break;
            }
            for (String name : EAGER) {
                if (a.equals(name) || a.startsWith(name + "=")) {
                    int at = i;
                    boolean asOption = parsed.options().stream()
                            .anyMatch(u ->
                                    u.index() == at && u.known() && u.name().equals(name));
                    if (!asOption) {
                        return Optional.of(a);
                    }
                }
            }
        }
        return Optional.empty();
    }

    private static boolean isInternalMode(String a) {
        return Set.of(
                                "--claude-in-chrome-mcp",
                                "--chrome-native-host",
                                "--computer-use-mcp",
                                "--daemon-worker",
                                "--bg-pty-host",
                                "--bg-spare",
                                "--preload",
                                "--eval-mock-server",
                                "--update",
                                "--upgrade")
                        .contains(a)
                || a.startsWith("--runner-declares=");
    }
}
