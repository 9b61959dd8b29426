package dev.claudebridge.daemon.usage;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.Arrays;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.function.Consumer;

/**
 * Reads a copy of claude's JSON output (json or stream-json) as it is relayed, for its result and
 * rate-limit messages. Bounded: only a line whose first bytes say it is one of those is kept, and only
 * up to {@link #MAX_LINE} bytes (a longer one is dropped: the transcript is the fallback); everything
 * else is skipped as it passes. It never throws into the relay and never blocks it.
 */
public final class OutputScanner {
    /** A line's first bytes, which decide whether it is kept. */
    static final int HEAD = 48;
    /** The longest line kept (a result carries claude's whole answer). */
    static final int MAX_LINE = 1024 * 1024;

    private static final byte[][] WANTED = {
        "\"type\":\"result\"".getBytes(java.nio.charset.StandardCharsets.US_ASCII),
        "\"type\":\"rate_limit_event\"".getBytes(java.nio.charset.StandardCharsets.US_ASCII)
    };

    private final Consumer<RateLimitInfo> rateLimits;
    private byte[] line = new byte[HEAD];
    private int length;
    private boolean decided;
    private boolean skipping;
    private long inputTokens;
    private long outputTokens;
    private long cacheReadTokens;
    private long cacheCreationTokens;
    private long turns;
    private OptionalDouble cost = OptionalDouble.empty();
    private String model = "";
    private boolean results;
    private boolean failed;
    private boolean rateLimitReported;

    /** @param rateLimits told each rate-limit state claude reports, on the relay's thread (must be quick) */
    public OutputScanner(Consumer<RateLimitInfo> rateLimits) {
        this.rateLimits = rateLimits;
    }

    /**
     * Whether claude's stdout is JSON it writes itself ({@code --output-format json} or {@code stream-json},
     * not on a terminal). Plain text is never read: the model's words would be in it, and a model can be
     * asked to print a line that looks like a result.
     */
    public static boolean wanted(java.util.List<String> argv, boolean terminal) {
        String format = "text";
        for (int i = 0; i < argv.size(); i++) {
            String a = argv.get(i);
            if (a.equals("--output-format") && i + 1 < argv.size()) {
                format = argv.get(i + 1);
            } else if (a.startsWith("--output-format=")) {
                format = a.substring("--output-format=".length());
            }
        }
        return !terminal && (format.equals("json") || format.equals("stream-json"));
    }

    /** The stream, with every byte read also seen by this scanner. */
    public InputStream tap(InputStream in) {
        return new FilterInputStream(in) {
            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                int n = super.read(b, off, len);
                if (n > 0) {
                    feed(b, off, n);
                }
                return n;
            }

            @Override
            public int read() throws IOException {
                int c = super.read();
                if (c >= 0) {
                    feed(new byte[] {(byte) c}, 0, 1);
                }
                return c;
            }
        };
    }

    /** Takes the next bytes of output; never throws. */
    public synchronized void feed(byte[] b, int off, int n) {
        if (failed) {
            return;
        }
        try {
            int end = off + n;
            while (off < end) {
                int nl = indexOf(b, off, end);
                int stop = nl < 0 ? end : nl;
                if (!skipping) {
                    append(b, off, stop - off);
                }
                if (nl < 0) {
                    return;
                }
                lineEnded();
                off = nl + 1;
            }
        } catch (RuntimeException | OutOfMemoryError e) {
            failed = true; // usage is then unknown; the relay goes on
            line = null;
        }
    }

    /** The usage claude reported in its result messages (summed over a session's turns), if it did. */
    public synchronized Optional<TokenUsage> usage() {
        if (!failed && length > 0) {
            lineEnded(); // the last line had no newline
        }
        if (!results) {
            return Optional.empty();
        }
        return Optional.of(new TokenUsage(
                inputTokens, outputTokens, cacheReadTokens, cacheCreationTokens, cost, model, turns, "result"));
    }

    private void append(byte[] b, int off, int n) {
        if (n == 0) {
            return;
        }
        if (length + n > MAX_LINE) {
            skipping = true; // too long to keep: dropped
            shrink();
            return;
        }
        if (length + n > line.length) {
            line = Arrays.copyOf(line, Math.min(MAX_LINE, Math.max(line.length * 2, length + n)));
        }
        System.arraycopy(b, off, line, length, n);
        length += n;
        if (!decided && length >= HEAD) {
            decide();
        }
    }

    private void decide() {
        decided = true;
        int head = Math.min(length, HEAD);
        boolean wanted = false;
        for (byte[] w : WANTED) {
            wanted |= contains(line, head, w);
        }
        if (!wanted || line[0] != '{') {
            skipping = true;
            shrink();
        }
    }

    private void lineEnded() {
        if (!skipping) {
            if (!decided) {
                decide();
            }
            if (!skipping) {
                consider(length);
            }
        }
        length = 0;
        decided = false;
        skipping = false;
        shrink();
    }

    private void consider(int n) {
        ClaudeReports.parse(line, n).ifPresent(node -> {
            Instant now = Instant.now();
            ClaudeReports.rateLimit(node, now).ifPresent(r -> {
                rateLimitReported = true;
                rateLimits.accept(r);
            });
            if (!rateLimitReported) {
                // a 429 claude already described in a rate_limit_event (with its reset time) is not reported twice
                ClaudeReports.refusedResult(node, now).ifPresent(rateLimits);
            }
            ClaudeReports.result(node).ifPresent(u -> {
                results = true;
                inputTokens += u.inputTokens();
                outputTokens += u.outputTokens();
                cacheReadTokens += u.cacheReadTokens();
                cacheCreationTokens += u.cacheCreationTokens();
                turns += u.turns();
                if (u.costUsd().isPresent()) {
                    cost = u.costUsd(); // claude's total_cost_usd is the session's so far: the last one is the whole
                }
                if (model.isEmpty()) {
                    model = u.model();
                }
            });
        });
    }

    private void shrink() {
        if (line.length > HEAD * 64) {
            line = new byte[HEAD];
        }
        if (skipping) {
            length = 0;
        }
    }

    private static int indexOf(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] == '\n') {
                return i;
            }
        }
        return -1;
    }

    private static boolean contains(byte[] hay, int length, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }
}
