package dev.claudebridge.daemon.usage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.OptionalDouble;

/**
 * Today's usage by earlier daemons, read back from the audit log at start-up, so that a restart does not
 * give every client its daily budget again. Only end records of today (UTC) that carry a usage count;
 * a line that is not one is skipped.
 */
public final class EarlierUsage {
    private static final ObjectMapper JSON = new ObjectMapper();

    private EarlierUsage() {}

    /**
     * Adds today's usage recorded in {@code files} (the log and its rotated copies) to {@code book}.
     *
     * @return how many requests were counted
     */
    public static int replay(List<Path> files, UsageBook book, LocalDate today) {
        String day = "\"time\":\"" + today + "T";
        int n = 0;
        for (Path f : files) {
            if (!Files.isRegularFile(f)) {
                continue;
            }
            try (BufferedReader r = Files.newBufferedReader(f, StandardCharsets.UTF_8)) {
                String line;
                while ((line = r.readLine()) != null) {
                    if (line.startsWith("{" + day)
                            && line.contains("\"event\":\"end\"")
                            && line.contains("\"usage\"")) {
                        n += count(line, book) ? 1 : 0;
                    }
                }
            } catch (IOException | RuntimeException e) {
                // an unreadable log leaves the counts at what was read
            }
        }
        return n;
    }

    /** The audit log and its rotated copies ({@code PATH.1} .. {@code PATH.keep}). */
    public static List<Path> files(Path log, int keep) {
        List<Path> out = new java.util.ArrayList<>(List.of(log));
        for (int i = 1; i <= keep; i++) {
            out.add(log.resolveSibling(log.getFileName() + "." + i));
        }
        return out;
    }

    public static LocalDate today() {
        return LocalDate.now(ZoneOffset.UTC);
    }

    /** As {@code PeerIdentity} writes an unknown user. */
    private static String user(JsonNode peer) {
        String u = peer.path("user").asText("");
        return u.isEmpty() ? "?" : u;
    }

    private static boolean count(String line, UsageBook book) {
        JsonNode o;
        try {
            o = JSON.readTree(line);
        } catch (IOException e) {
            return false;
        }
        JsonNode u = o.path("usage");
        if (!u.isObject() || o.path("started").isMissingNode()) {
            return false;
        }
        JsonNode peer = o.path("peer");
        String container = peer.path("container").asText("");
        String identity = o.path("listener").asText("")
                + (container.isEmpty() ? " uid=" + user(peer) : " container=" + container);
        JsonNode cost = u.path("cost_usd");
        book.addEarlier(
                o.path("profile").asText(""),
                identity,
                new TokenUsage(
                        Math.max(0, u.path("input_tokens").asLong()),
                        Math.max(0, u.path("output_tokens").asLong()),
                        Math.max(0, u.path("cache_read_tokens").asLong()),
                        Math.max(0, u.path("cache_creation_tokens").asLong()),
                        cost.isNumber() ? OptionalDouble.of(Math.max(0, cost.asDouble())) : OptionalDouble.empty(),
                        u.path("model").asText(""),
                        Math.max(0, u.path("turns").asLong()),
                        u.path("source").asText("none")));
        return true;
    }
}
