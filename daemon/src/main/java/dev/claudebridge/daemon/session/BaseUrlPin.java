package dev.claudebridge.daemon.session;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * What pins {@code ANTHROPIC_BASE_URL}, the server the host's credentials are sent to. The host's
 * managed settings pin it for every claude on the host (nothing overrides them); the daemon's own
 * environment pins it for the bridge's runs (the daemon puts it in its settings, above every file a
 * caller or a workspace could write). Without either, the URL comes from whatever settings claude loads.
 */
public final class BaseUrlPin {
    /** Where claude reads managed settings on Linux. */
    public static final Path MANAGED_DIR = Path.of("/etc/claude-code");

    private BaseUrlPin() {}

    /** A short description of what pins it, e.g. {@code /etc/claude-code/managed-settings.json}; empty when nothing does. */
    public static Optional<String> pinnedBy(Map<String, String> daemonEnv, Path managedDir) {
        Optional<Map.Entry<Path, String>> managed = managedUrl(managedDir);
        if (managed.isPresent()) {
            return Optional.of(managed.get().getKey() + " (" + managed.get().getValue() + ")");
        }
        return daemonUrl(daemonEnv).map(u -> "the daemon's environment (" + u + ")");
    }

    /** The pinned URL itself: the managed settings', else the daemon's environment's. */
    public static Optional<String> url(Map<String, String> daemonEnv, Path managedDir) {
        return managedUrl(managedDir).map(Map.Entry::getValue).or(() -> daemonUrl(daemonEnv));
    }

    /** The first managed settings file that sets env.ANTHROPIC_BASE_URL, and the URL. */
    private static Optional<Map.Entry<Path, String>> managedUrl(Path managedDir) {
        for (Path f : managedFiles(managedDir)) {
            try {
                JsonNode url = DaemonSettings.JSON
                        .readTree(Files.readString(f))
                        .path("env")
                        .path("ANTHROPIC_BASE_URL");
                if (url.isTextual() && !url.asText().isBlank()) {
                    return Optional.of(Map.entry(f, url.asText()));
                }
            } catch (IOException | RuntimeException e) {
                // unreadable or not JSON: claude would not take a URL from it either
            }
        }
        return Optional.empty();
    }

    private static Optional<String> daemonUrl(Map<String, String> daemonEnv) {
        return Optional.ofNullable(daemonEnv.get("ANTHROPIC_BASE_URL")).filter(u -> !u.isBlank());
    }

    /** The line for the log and the status page when nothing pins it. */
    public static String warning(Path managedDir) {
        return "nothing pins ANTHROPIC_BASE_URL (neither " + managedDir.resolve("managed-settings.json")
                + " nor the daemon's environment sets it): the server the host's credentials go to is whatever the settings claude"
                + " loads say. With the defaults those are only the host user's own; a profile with setting-sources project or local,"
                + " or daemon-settings off, lets a workspace or a caller choose it. Pin it in the host's managed settings (docs/DEPLOY.md)";
    }

    /** managed-settings.json, then the drop-ins in managed-settings.d in name order (claude merges them over it). */
    private static List<Path> managedFiles(Path dir) {
        List<Path> out = new ArrayList<>();
        try (Stream<Path> s = Files.list(dir.resolve("managed-settings.d"))) {
            s.filter(p -> p.getFileName().toString().endsWith(".json")).sorted().forEach(out::add);
        } catch (IOException e) {
            // no drop-ins
        }
        out = new ArrayList<>(out.reversed()); // the last drop-in wins in claude
        out.add(dir.resolve("managed-settings.json"));
        return out.stream().filter(Files::isRegularFile).toList();
    }
}
