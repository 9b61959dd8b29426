package dev.claudebridge.daemon.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The value syntaxes of the configuration file (durations, sizes, whole numbers, booleans, file
 * modes), read and written back. Each reader throws {@link IllegalArgumentException} saying what it
 * expected, which the file's reader reports with the line and a flag's reader with the flag.
 */
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

    /** An absolute path, normalised; "" is none. */
    public static Optional<Path> absolutePath(String text) {
        if (text.isEmpty()) {
            return Optional.empty();
        }
        if (text.indexOf('\0') >= 0 || !text.startsWith("/")) {
            throw new IllegalArgumentException("expected an absolute path, got '" + text + "'");
        }
        return Optional.of(Path.of(text).normalize());
    }

    /** A size between {@code min} and {@code max} bytes. */
    public static long size(String text, long min, long max) {
        return within(size(text), min, max, Units::formatSize);
    }

    /** A whole number between {@code min} and {@code max}. */
    public static int integer(String text, int min, int max) {
        try {
            return (int) (long) within(Long.parseLong(text.trim()), (long) min, (long) max, v -> Long.toString(v));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("expected a whole number, got '" + text + "'");
        }
    }

    /** A decimal number between {@code min} and {@code max} (e.g. {@code 2.5}; no exponent, no sign beyond {@code -}). */
    public static double decimal(String text, double min, double max) {
        String t = text.trim();
        if (!t.matches("-?[0-9]+(\\.[0-9]+)?|-?\\.[0-9]+")) {
            throw new IllegalArgumentException("expected a number such as 2 or 0.5, got '" + text + "'");
        }
        double v = Double.parseDouble(t);
        if (v < min || v > max) {
            throw new IllegalArgumentException(
                    "expected a number from " + formatDecimal(min) + " to " + formatDecimal(max) + ", got " + t);
        }
        return v;
    }

    /** As {@link #decimal} reads it: {@code 2}, {@code 0.5}. */
    public static String formatDecimal(double v) {
        return java.math.BigDecimal.valueOf(v).stripTrailingZeros().toPlainString();
    }

    /** {@code on} or {@code off} as the documentation writes them, or {@code true} or {@code false}; nothing else ({@code yes} is a string). */
    public static boolean bool(String text) {
        return switch (text.trim()) {
            case "true", "on" -> true;
            case "false", "off" -> false;
            default -> throw new IllegalArgumentException("expected on or off (true or false), got '" + text + "'");
        };
    }

    static <N extends Comparable<N>> N within(N v, N min, N max, Function<N, String> show) {
        if (v.compareTo(min) < 0 || v.compareTo(max) > 0) {
            throw new IllegalArgumentException(
                    "must be between " + show.apply(min) + " and " + show.apply(max) + ", got " + show.apply(v));
        }
        return v;
    }

    /** A duration as the file writes it: {@code 500ms}, {@code 5s}, {@code 1m30s}, {@code 0s}. */
    public static String formatDuration(Duration d) {
        if (d.isZero()) {
            return "0s";
        }
        if (d.toMillisPart() != 0 || d.compareTo(Duration.ofSeconds(1)) < 0) {
            return d.toMillis() + "ms";
        }
        StringBuilder sb = new StringBuilder();
        if (d.toHours() > 0) {
            sb.append(d.toHours()).append('h');
        }
        if (d.toMinutesPart() > 0) {
            sb.append(d.toMinutesPart()).append('m');
        }
        if (d.toSecondsPart() > 0) {
            sb.append(d.toSecondsPart()).append('s');
        }
        return sb.toString();
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
