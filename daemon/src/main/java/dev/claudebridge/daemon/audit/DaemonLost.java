package dev.claudebridge.daemon.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.claudebridge.daemon.exec.TreeIdentity;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * At start-up: every {@code start} record without its {@code end}, written by a daemon that is no longer
 * alive (killed, crashed, or the host lost power), gets an {@code end} with outcome {@code daemon_lost},
 * so every start has its end. Records of a daemon still running (one sharing the log) are left open.
 */
public final class DaemonLost {
    /** The outcome of a request whose daemon ended while it ran. */
    public static final String OUTCOME = "daemon_lost";

    private static final ObjectMapper JSON = new ObjectMapper();

    private DaemonLost() {}

    /**
     * Appends the missing ends.
     *
     * @param rotated how many rotated files ({@code PATH.1} ...) to read besides the log itself
     * @return the request ids closed
     */
    public static List<String> close(AuditLog log, int rotated) throws IOException {
        Map<String, JsonNode> open = new LinkedHashMap<>();
        for (int i = Math.min(rotated, 2); i >= 0; i--) { // a run long enough to span more rotations is not looked for
            Path p = i == 0 ? log.path() : log.path().resolveSibling(log.path().getFileName() + "." + i);
            if (!Files.isRegularFile(p)) {
                continue;
            }
            try (BufferedReader r = Files.newBufferedReader(p, StandardCharsets.UTF_8)) {
                for (String line = r.readLine(); line != null; line = r.readLine()) {
                    if (!line.contains("\"event\":\"start\"") && !line.contains("\"event\":\"end\"")) {
                        continue;
                    }
                    JsonNode n;
                    try {
                        n = JSON.readTree(line);
                    } catch (IOException e) {
                        continue; // not ours to judge here
                    }
                    String id = n.path("id").asText();
                    if (n.path("event").asText().equals("start")) {
                        open.put(id, n);
                    } else {
                        open.remove(id);
                    }
                }
            }
        }
        Instant now = Instant.now();
        List<String> closed = new java.util.ArrayList<>();
        for (Map.Entry<String, JsonNode> e : open.entrySet()) {
            JsonNode daemon = e.getValue().path("daemon");
            if (daemon.isObject()
                    && TreeIdentity.parse(daemon.path("identity").asText())
                            .map(TreeIdentity::alive)
                            .orElse(false)) {
                continue;
            }
            ObjectNode end = ((ObjectNode) e.getValue()).deepCopy();
            end.put("time", now.toString());
            end.put("event", "end");
            end.put("decision", "allowed");
            end.put("outcome", OUTCOME);
            end.put(
                    "detail",
                    "the daemon ended while this request ran (killed or crashed); the next daemon closed the record"
                            + " and ended what was left of the process tree");
            end.put("ended", now.toString());
            Instant accepted = parse(e.getValue().path("accepted").asText());
            if (accepted != null) {
                end.put("duration_ms", Duration.between(accepted, now).toMillis());
            }
            log.appendEnd(end.toString());
            closed.add(e.getKey());
        }
        return closed;
    }

    private static Instant parse(String s) {
        try {
            return Instant.parse(s);
        } catch (RuntimeException e) {
            return null;
        }
    }
}
