package dev.claudebridge.daemon.config;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The value syntaxes of the configuration file: durations, sizes and file modes. */
public final class Units {
    private static final Pattern DURATION_PART = Pattern.compile("(\\d+)(ms|s|m|h|d)");
    private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*(B|KiB|MiB|GiB|KB|MB|GB)?");
    private static final Pattern MODE = Pattern.compile("0?[0-7]{3}");

    private Units() {}

    /**
     * {@code 500ms}, {@code 5s}, {@code 2m}, {@code 1h}, {@code 1d}, combinations such as {@code 1h30m},
     * or {@code 0}; ISO-8601 ({@code PT1S}) is accepted too.
     *
     * @throws IllegalArgumentException naming the accepted forms
     */
    public static Duration duration(String text) {
        String s = text.trim();
        if (s.equals("0")) {
            return Duration.ZERO;
        }
        if (s.toUpperCase(Locale.ROOT).startsWith("PT")
                || s.toUpperCase(Locale.ROOT).startsWith("P")) {
            try {
                return Duration.parse(s);
            } catch (java.time.format.DateTimeParseException e) {
                // fall through to the message below
            }
        }
        Matcher m = DURATION_PART.matcher(s);
        Duration total = Duration.ZERO;
        int end = 0;
        while (m.find() && m.start() == end) {
            long n = Long.parseLong(m.group(1));
            total = total.plus(
                    switch (m.group(2)) {
                        case "ms" -> Duration.ofMillis(n);
                        case "s" -> Duration.ofSeconds(n);
                        case "m" -> Duration.ofMinutes(n);
                        case "h" -> Duration.ofHours(n);
                        default -> Duration.ofDays(n);
                    });
            end = m.end();
        }
        if (end == 0 || end != s.length()) {
            throw new IllegalArgumentException(
                    "expected a duration such as 500ms, 5s, 2m, 1h or 1h30m, got '" + text + "'");
        }
        return total;
    }

    /**
     * Bytes: a number, or a number with B, KiB, MiB, GiB (powers of 1024) or KB, MB, GB (powers of 1000).
     *
     * @throws IllegalArgumentException naming the accepted forms
     */
    public static long size(String text) {
        Matcher m = SIZE.matcher(text.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("expected a size such as 4096, 64KiB or 1MiB, got '" + text + "'");
        }
        long n = Long.parseLong(m.group(1));
        long unit = m.group(2) == null
                ? 1
                : switch (m.group(2)) {
                    case "KiB" -> 1L << 10;
                    case "MiB" -> 1L << 20;
                    case "GiB" -> 1L << 30;
                    case "KB" -> 1000L;
                    case "MB" -> 1000L * 1000;
                    case "GB" -> 1000L * 1000 * 1000;
                    default -> 1;
                };
        return Math.multiplyExact(n, unit);
    }

    /**
     * A file mode in octal, {@code 0660} or {@code 660} (always read as octal; quote it in YAML or not).
     *
     * @throws IllegalArgumentException naming the accepted form
     */
    public static int mode(String text) {
        String s = text.trim();
        if (s.startsWith("0o")) {
            s = s.substring(2);
        }
        if (!MODE.matcher(s).matches()) {
            throw new IllegalArgumentException("expected an octal file mode such as \"0660\", got '" + text + "'");
        }
        return Integer.parseInt(s, 8);
    }

    /** Bytes in the unit a person would write: 1MiB, 64KiB, 100B. */
    public static String formatSize(long bytes) {
        if (bytes > 0 && bytes % (1L << 30) == 0) {
            return bytes / (1L << 30) + "GiB";
        }
        if (bytes > 0 && bytes % (1L << 20) == 0) {
            return bytes / (1L << 20) + "MiB";
        }
        if (bytes > 0 && bytes % (1L << 10) == 0) {
            return bytes / (1L << 10) + "KiB";
        }
        return bytes + "B";
    }
}
