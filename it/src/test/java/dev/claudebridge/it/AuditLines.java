package dev.claudebridge.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Reads a daemon's audit log: each line must be one whole JSON object. */
record AuditLines(Path file) {
    private static final ObjectMapper JSON = new ObjectMapper();

    List<JsonNode> all() {
        if (!Files.exists(file)) {
            return List.of();
        }
        try {
            List<JsonNode> out = new ArrayList<>();
            String text = Files.readString(file);
            // a line not yet ended by its newline is being appended right now: it is read next time
            String whole = text.substring(0, text.lastIndexOf('\n') + 1);
            for (String line : whole.lines().toList()) {
                out.add(JSON.readTree(line)); // throws on half a record
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    List<JsonNode> ends() {
        return all().stream()
                .filter(n -> n.path("event").asText().equals("end"))
                .toList();
    }

    /** Waits (10 s at most) until there are at least {@code n} end records; the daemon writes one after the caller has its answer. */
    List<JsonNode> awaitEnds(int n) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        List<JsonNode> ends = ends();
        while (ends.size() < n && System.nanoTime() < deadline) {
            Bridge.sleep(10);
            ends = ends();
        }
        if (ends.size() < n) {
            throw new AssertionError(
                    "expected " + n + " end records in " + file + ", found " + ends.size() + ":\n" + all());
        }
        return ends;
    }

    /** The end record of the request whose client name is {@code client}. */
    JsonNode endOf(String client) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            for (JsonNode n : ends()) {
                if (n.path("client").asText().equals(client)) {
                    return n;
                }
            }
            Bridge.sleep(10);
        }
        throw new AssertionError("no end record for client " + client + " in " + file + ":\n" + all());
    }

    /** The end record of request {@code id}, waiting (10 s at most) for it. */
    JsonNode awaitEndOfId(String id) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            for (JsonNode n : of(id)) {
                if (n.path("event").asText().equals("end")) {
                    return n;
                }
            }
            Bridge.sleep(20);
        }
        throw new AssertionError("no end record for " + id + " in " + file + ":\n" + all());
    }

    /** The records (start and end) of one request id. */
    List<JsonNode> of(String id) {
        return all().stream().filter(n -> n.path("id").asText().equals(id)).toList();
    }
}
