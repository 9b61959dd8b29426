package dev.claudebridge.daemon.policy;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Tool permission rules that pre-approve ({@code --allowedTools}, settings {@code permissions.allow}),
 * read as claude reads them ({@code Tool} or {@code Tool(specifier)}, several in one word separated by
 * commas or spaces outside parentheses) and checked like paths. A rule needs a profile's opt-in when
 * it approves running commands or writing ({@code Bash}, {@code Edit}, {@code Write}, ...), when it
 * names a tool the bridge has not classified, or when it reaches outside the working directory: a
 * file tool's rule without a specifier (every path), or with one that is absolute ({@code /etc/**},
 * {@code //**}), under a home ({@code ~/.ssh/**}), through {@code ..}, or through a variable. Rules
 * that only deny never widen anything and are not checked.
 */
final class ToolRules {
    /** The opt-in that lets rules reach outside the working directory. */
    static final String OUTSIDE = "--allowedTools=outside-workspace";
    /** Tools whose approval runs commands or writes files. */
    static final Set<String> EXECUTE_OR_WRITE =
            Set.of("Bash", "PowerShell", "Edit", "MultiEdit", "Write", "NotebookEdit");
    /** Tools whose specifier is a path pattern. */
    static final Set<String> FILE_TOOLS =
            Set.of("Read", "Edit", "MultiEdit", "Write", "NotebookEdit", "NotebookRead", "Glob", "Grep", "LS");
    /** Tools whose approval neither runs commands, writes, nor reads outside the working directory by itself. */
    static final Set<String> HARMLESS = Set.of(
            "WebFetch",
            "WebSearch",
            "Task",
            "Agent",
            "TodoWrite",
            "TodoRead",
            "ExitPlanMode",
            "EnterPlanMode",
            "BashOutput",
            "KillShell",
            "KillBash",
            "Skill",
            "SlashCommand",
            "AskUserQuestion",
            "ToolSearch",
            "ListMcpResourcesTool",
            "ReadMcpResourceTool",
            "SendUserMessage",
            "TaskOutput",
            "TaskStop");

    private ToolRules() {}

    /** A rule as written, its tool and specifier (absent for {@code Tool}). */
    record Rule(String text, String tool, Optional<String> specifier) {}

    /** Splits one value into rules; a malformed one (unbalanced parentheses) is kept whole, as its own rule. */
    static List<Rule> split(String value) {
        List<Rule> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        int depth = 0;
        for (char c : value.toCharArray()) {
            if (depth == 0 && (c == ',' || Character.isWhitespace(c))) {
                add(out, cur);
                continue;
            }
            depth += c == '(' ? 1 : c == ')' ? -1 : 0;
            cur.append(c);
        }
        add(out, cur);
        return out;
    }

    private static void add(List<Rule> out, StringBuilder cur) {
        String t = cur.toString().trim();
        cur.setLength(0);
        if (t.isEmpty()) {
            return;
        }
        int open = t.indexOf('(');
        if (open > 0 && t.endsWith(")")) {
            out.add(new Rule(t, t.substring(0, open), Optional.of(t.substring(open + 1, t.length() - 1))));
        } else {
            out.add(new Rule(t, t, Optional.empty()));
        }
    }

    /**
     * The opt-ins a pre-approving rule needs, with why; empty when it needs none.
     */
    static List<Need> needs(Rule r) {
        List<Need> out = new ArrayList<>();
        String tool = r.tool();
        if (EXECUTE_OR_WRITE.contains(tool)) {
            out.add(new Need(
                    "--allowedTools=" + tool,
                    "it lets claude "
                            + (tool.equals("Bash") || tool.equals("PowerShell")
                                    ? "run commands on the host"
                                    : "write files")
                            + " without asking"));
        } else if (!FILE_TOOLS.contains(tool) && !HARMLESS.contains(tool) && !tool.startsWith("mcp__")) {
            out.add(new Need("--allowedTools=" + tool, "the bridge has not classified the tool '" + tool + "'"));
        }
        if (FILE_TOOLS.contains(tool)) {
            String spec = r.specifier().map(String::strip).orElse("");
            if (reachesOut(spec)) {
                out.add(new Need(
                        OUTSIDE,
                        spec.isEmpty() || spec.equals("*")
                                ? "without a path it approves every path on the host"
                                : "the path '" + spec + "' reaches outside the working directory"));
            }
        }
        return out;
    }

    static boolean reachesOut(String spec) {
        if (spec.isEmpty()
                || spec.equals("*")
                || spec.startsWith("/")
                || spec.startsWith("~")
                || spec.startsWith("\\")
                || spec.contains("$")
                || spec.contains("%")
                || spec.matches("^[A-Za-z]:.*")) {
            return true;
        }
        for (String part : spec.split("[/\\\\]")) {
            if (part.equals("..")) {
                return true;
            }
        }
        return false;
    }

    /** An opt-in a rule needs: the {@code allow-args} entry and the reason. */
    record Need(String rule, String why) {}
}
