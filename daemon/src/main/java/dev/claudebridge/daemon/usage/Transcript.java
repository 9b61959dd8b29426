package dev.claudebridge.daemon.usage;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * A conversation's session file, as the host claude writes it: {@code CONFIG/projects/SLUG/ID.jsonl},
 * where CONFIG is {@code $CLAUDE_CONFIG_DIR} or {@code $HOME/.claude} and SLUG the working directory
 * with every character but letters and digits made a '-' (a long one cut and hashed). The part written during one request (from
 * its size when the request started) holds its assistant messages with their usage; a message that
 * streamed in several entries repeats one id and is counted once. Claude writes no cost there.
 */
public final class Transcript {
    private static final Pattern UUID_FORM =
            Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
    /** The most of a transcript read for one request. */
    static final long MAX_READ = 64L * 1024 * 1024;

    private final Path file;
    private final long from;

    private Transcript(Path file, long from) {
        this.file = file;
        this.from = from;
    }

    /**
     * The transcript a request's claude will write, noted before it starts.
     *
     * @param command claude's final argv (with the daemon's {@code --session-id} or {@code --resume})
     * @param env claude's environment
     * @param cwd the directory it runs in
     */
    public static Optional<Transcript> before(List<String> command, Map<String, String> env, Path cwd) {
        Optional<String> id = conversation(command);
        Path config = env.containsKey("CLAUDE_CONFIG_DIR")
                ? Path.of(env.get("CLAUDE_CONFIG_DIR"))
                : env.containsKey("HOME") ? Path.of(env.get("HOME"), ".claude") : null;
        if (id.isEmpty() || config == null || !config.isAbsolute()) {
            return Optional.empty();
        }
        Path f = config.resolve("projects").resolve(slug(cwd.toString())).resolve(id.get() + ".jsonl");
        long size = 0;
        try {
            size = Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS) ? Files.size(f) : 0;
        } catch (IOException e) {
            // not there yet: read from its start
        }
        return Optional.of(new Transcript(f, size));
    }

    /** The conversation id claude uses: the last {@code --session-id}, else the last {@code --resume}. */
    static Optional<String> conversation(List<String> command) {
        String session = null;
        String resume = null;
        for (int i = 0; i < command.size(); i++) {
            String a = command.get(i);
            String next = i + 1 < command.size() ? command.get(i + 1) : "";
            if (a.equals("--session-id")) {
                session = next;
            } else if (a.startsWith("--session-id=")) {
                session = a.substring("--session-id=".length());
            } else if (a.equals("--resume") || a.equals("-r")) {
                resume = next;
            }
        }
        String id = session != null ? session : resume;
        return id != null && UUID_FORM.matcher(id).matches() ? Optional.of(id) : Optional.empty();
    }

    /** Claude's directory name for a working directory: a long one is cut, and its hash (Java's, claude uses the same) added. */
    static String slug(String cwd) {
        String s = cwd.replaceAll("[^A-Za-z0-9]", "-");
        return s.length() <= 200 ? s : s.substring(0, 200) + "-" + Long.toString(Math.abs((long) cwd.hashCode()), 36);
    }

    Path file() {
        return file;
    }

    /**
     * What the request's part of the transcript records (empty when there is none).
     *
     * @param rateLimited told when an entry is the API's 429 (claude's "limit reached" message)
     */
    public Optional<TokenUsage> usage(Consumer<RateLimitInfo> rateLimited) {
        Set<String> seen = new HashSet<>();
        long[] sum = new long[5];
        String[] model = {""};
        boolean[] limited = {false};
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
            ch.position(Math.min(from, ch.size()));
            InputStream in = new BufferedInputStream(Channels.newInputStream(ch), 64 * 1024);
            lines(
                    in,
                    (b, n) -> ClaudeReports.parse(b, n)
                            .flatMap(ClaudeReports::assistant)
                            .ifPresent(m -> {
                                limited[0] |= m.rateLimited();
                                if (m.id().isEmpty()
                                        || !seen.add(m.id())
                                        || m.model().equals("<synthetic>")) {
                                    return;
                                }
                                sum[0] += m.input();
                                sum[1] += m.output();
                                sum[2] += m.cacheRead();
                                sum[3] += m.cacheCreation();
                                sum[4]++;
                                if (model[0].isEmpty()) {
                                    model[0] = m.model();
                                }
                            }));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
        if (limited[0]) {
            rateLimited.accept(new RateLimitInfo(
                    RateLimitInfo.REJECTED,
                    OptionalDouble.empty(),
                    Optional.empty(),
                    "http 429",
                    java.time.Instant.now()));
        }
        if (seen.isEmpty() && !limited[0]) {
            return Optional.empty();
        }
        return Optional.of(
                new TokenUsage(sum[0], sum[1], sum[2], sum[3], OptionalDouble.empty(), model[0], sum[4], "transcript"));
    }

    private interface Line {
        void accept(byte[] b, int n);
    }

    /** Each line up to {@link OutputScanner#MAX_LINE} bytes (longer ones skipped), at most {@link #MAX_READ} bytes in all. */
    private static void lines(InputStream in, Line each) throws IOException {
        byte[] line = new byte[8192];
        int n = 0;
        boolean skip = false;
        long read = 0;
        int c;
        while ((c = in.read()) >= 0 && read++ < MAX_READ) {
            if (c == '\n') {
                if (!skip && n > 0) {
                    each.accept(line, n);
                }
                n = 0;
                skip = false;
            } else if (!skip) {
                if (n == line.length) {
                    if (n >= OutputScanner.MAX_LINE) {
                        skip = true;
                        continue;
                    }
                    line = java.util.Arrays.copyOf(line, Math.min(OutputScanner.MAX_LINE, n * 2));
                }
                line[n++] = (byte) c;
            }
        }
    }
}
