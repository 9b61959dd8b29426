package dev.claudebridge.daemon.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The host's managed settings as a sandboxed claude must see them. Managed settings outrank everything,
 * their {@code env} included, so one that pins {@code ANTHROPIC_BASE_URL} (an https gateway, say) would
 * send the sandboxed claude's calls over the proxy's socket in TLS, which the proxy cannot read. The
 * sandbox therefore sees a copy in which that one value is the proxy's address; the proxy itself sends
 * the calls to the pinned URL. Every other managed setting stays as the host has it.
 */
final class ManagedSettings {
    /** Where claude reads managed settings on Linux. */
    static final Path DIR = Path.of("/etc/claude-code");

    private static final ObjectMapper JSON = new ObjectMapper();

    private ManagedSettings() {}

    /**
     * A copy of {@code managedDir} (its {@code managed-settings.json} and {@code managed-settings.d/*.json})
     * in {@code into} with the base URL replaced, or empty when none of its files pins one.
     */
    static Optional<Path> view(Path managedDir, Path into) {
        List<Path> files = files(managedDir);
        boolean pins = false;
        for (Path f : files) {
            pins |= read(f).map(n -> n.path("env").hasNonNull("ANTHROPIC_BASE_URL"))
                    .orElse(false);
        }
        if (!pins) {
            return Optional.empty();
        }
        try {
            Files.createDirectories(into.resolve("managed-settings.d"));
            for (Path f : files) {
                Optional<JsonNode> n = read(f);
                Path to = into.resolve(managedDir.relativize(f).toString());
                if (n.isPresent() && n.get().path("env") instanceof ObjectNode env && env.has("ANTHROPIC_BASE_URL")) {
                    env.put("ANTHROPIC_BASE_URL", CredentialProxy.BASE_URL);
                    Files.writeString(to, JSON.writeValueAsString(n.get()));
                } else {
                    Files.copy(f, to); // as it is, unreadable or not JSON included: claude reads it as the host's
                }
            }
            return Optional.of(into);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<Path> files(Path dir) {
        List<Path> out = new ArrayList<>();
        if (Files.isRegularFile(dir.resolve("managed-settings.json"))) {
            out.add(dir.resolve("managed-settings.json"));
        }
        try (Stream<Path> s = Files.list(dir.resolve("managed-settings.d"))) {
            s.filter(p -> p.getFileName().toString().endsWith(".json") && Files.isRegularFile(p))
                    .sorted()
                    .forEach(out::add);
        } catch (IOException e) {
            // no drop-in directory
        }
        return out;
    }

    private static Optional<JsonNode> read(Path f) {
        try {
            return Optional.of(JSON.readTree(Files.readString(f)));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }
}
