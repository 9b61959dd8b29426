package dev.claudebridge.daemon.admin;

import java.util.List;

/**
 * A request's arguments as one readable, bounded line for the status page: shell-quoted where needed,
 * each long argument (typically a prompt) cut, the whole line cut. The full argv is in the audit log.
 */
final class ArgvSummary {
    static final int MAX_ARG = 60;
    static final int MAX_LINE = 160;

    private ArgvSummary() {}

    static String of(List<String> argv) {
        StringBuilder sb = new StringBuilder();
        for (String a : argv) {
            if (!sb.isEmpty()) {
                sb.append(' ');
            }
            sb.append(quote(cut(a, MAX_ARG)));
            if (sb.codePointCount(0, sb.length()) > MAX_LINE) {
                return sb.substring(0, sb.offsetByCodePoints(0, MAX_LINE - 1)) + "…";
            }
        }
        return sb.toString();
    }

    private static String cut(String s, int max) {
        String oneLine = s.replace("\n", "⏎").replace("\r", "").replace("\t", " ");
        return oneLine.codePointCount(0, oneLine.length()) <= max
                ? oneLine
                : oneLine.substring(0, oneLine.offsetByCodePoints(0, max - 1)) + "…";
    }

    private static String quote(String s) {
        if (!s.isEmpty() && s.chars().allMatch(c -> Character.isLetterOrDigit(c) || "-_=./:,@%+".indexOf(c) >= 0)) {
            return s;
        }
        return "'" + s.replace("'", "'\\''") + "'";
    }
}
