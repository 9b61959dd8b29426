package dev.claudebridge.daemon.cli;

import ch.qos.logback.classic.pattern.ClassicConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;
import org.slf4j.helpers.MessageFormatter;

/**
 * The log message with its arguments escaped ({@code %safeMsg} in logback.xml): values that come from
 * callers (client names, working directories, arguments) cannot start a line of their own or move the
 * cursor, so a caller cannot forge log lines. The message pattern itself, written in the code, is left
 * as it is.
 */
public final class EscapedMessage extends ClassicConverter {
    @Override
    public String convert(ILoggingEvent event) {
        Object[] args = event.getArgumentArray();
        if (args == null || args.length == 0) {
            return event.getFormattedMessage();
        }
        Object[] safe = new Object[args.length];
        for (int i = 0; i < args.length; i++) {
            safe[i] = args[i] instanceof Throwable ? args[i] : escape(String.valueOf(args[i]));
        }
        return MessageFormatter.basicArrayFormat(event.getMessage(), safe);
    }

    /**
     * {@code s} with control characters as escapes: {@code \n}, {@code \r}, {@code \t}, {@code \\}, and
     * {@code \x{HEX}} for the other C0 and C1 controls, DEL, line and paragraph separators and invisible
     * format characters (bidirectional overrides among them).
     */
    public static String escape(String s) {
        int i = 0;
        while (i < s.length() && !special(s.codePointAt(i))) {
            i += Character.charCount(s.codePointAt(i));
        }
        if (i == s.length()) {
            return s;
        }
        StringBuilder sb = new StringBuilder(s.length() + 16).append(s, 0, i);
        while (i < s.length()) {
            int c = s.codePointAt(i);
            i += Character.charCount(c);
            switch (c) {
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                case '\\' -> sb.append("\\\\");
                default -> {
                    if (special(c)) {
                        sb.append("\\x{").append(Integer.toHexString(c)).append('}');
                    } else {
                        sb.appendCodePoint(c);
                    }
                }
            }
        }
        return sb.toString();
    }

    private static boolean special(int c) {
        if (c == '\\') {
            return true;
        }
        int type = Character.getType(c);
        return type == Character.CONTROL
                || type == Character.LINE_SEPARATOR
                || type == Character.PARAGRAPH_SEPARATOR
                || type == Character.FORMAT
                || type == Character.SURROGATE;
    }
}
