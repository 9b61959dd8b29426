package dev.claudebridge.daemon.session;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.claudebridge.daemon.config.ProfileConfig;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The settings the daemon gives every claude run of a profile (unless the profile turns them off with
 * {@code daemon-settings: off}): no hooks or status-line commands from any settings file; no bypass
 * permission modes unless the profile allows them; the host's login file and the usual secrets denied
 * to claude's file tools; and, when the daemon's environment sets {@code ANTHROPIC_BASE_URL}, that URL
 * pinned above every settings file the caller or the workspace could write.
 *
 * <p>They reach claude as its flag settings ({@code --settings}), which override the user, project and
 * local files and are overridden only by the host's managed settings. A caller's own settings are
 * merged under them: objects key by key, lists joined, and the daemon's value wins where both set one.
 */
final class DaemonSettings {
    static final ObjectMapper JSON = new ObjectMapper();

    /** Home-relative paths whose contents are credentials; denied to Read and Edit. */
    static final List<String> SECRETS = List.of(
            ".ssh/**",
            ".aws/**",
            ".config/gcloud/**",
            ".azure/**",
            ".kube/**",
            ".docker/config.json",
            ".netrc",
            ".git-credentials",
            ".gnupg/**",
            ".npmrc",
            ".pypirc");

    /** Workspace files that usually hold credentials; denied wherever they are. */
    static final List<String> SECRET_FILES = List.of("**/.env", "**/.env.*");

    private DaemonSettings() {}

    /** The settings for one profile, given the environment claude runs in (its HOME, CLAUDE_CONFIG_DIR). */
    static ObjectNode of(ProfileConfig profile, Map<String, String> env) {
        ObjectNode s = JSON.createObjectNode();
        s.put("disableAllHooks", true);
        ObjectNode permissions = s.putObject("permissions");
        if (!bypassAllowed(profile)) {
            permissions.put("disableBypassPermissionsMode", "disable");
        }
        ArrayNode deny = permissions.putArray("deny");
        for (String path : secretPaths(env)) {
            deny.add("Read(" + path + ")");
            deny.add("Edit(" + path + ")");
        }
        String baseUrl = env.get("ANTHROPIC_BASE_URL");
        if (baseUrl != null && !baseUrl.isBlank()) {
            s.putObject("env").put("ANTHROPIC_BASE_URL", baseUrl);
        }
        return s;
    }

    /** Permission-rule paths: {@code ~/...} for home-relative ones, {@code //...} for absolute ones. */
    static Set<String> secretPaths(Map<String, String> env) {
        Set<String> out = new LinkedHashSet<>();
        out.add("~/.claude/.credentials.json");
        String configDir = env.get("CLAUDE_CONFIG_DIR");
        if (configDir != null && Path.of(configDir).isAbsolute()) {
            out.add("/" + Path.of(configDir).normalize().resolve(".credentials.json"));
        }
        String home = env.get("HOME");
        for (String p : SECRETS) {
            out.add("~/" + p);
            if (home != null && Path.of(home).isAbsolute()) {
                // claude expands ~ from its own HOME; the absolute form also holds where HOME is a symbolic link
                out.add("/" + Path.of(home).normalize().resolve(p));
            }
        }
        out.addAll(SECRET_FILES);
        return out;
    }

    /** Whether the profile lets callers use a bypass permission mode (its allow-args name one). */
    static boolean bypassAllowed(ProfileConfig profile) {
        return profile.allowArgs().stream()
                .map(a -> a.trim().replaceFirst("\\s+", "=").toLowerCase(Locale.ROOT))
                .anyMatch(a -> a.equals("--dangerously-skip-permissions")
                        || a.equals("--allow-dangerously-skip-permissions")
                        || a.equals("--permission-mode=bypasspermissions"));
    }

    /** {@code base} with {@code top} merged over it (objects by key, arrays joined without repeats, else top wins); base is changed. */
    static JsonNode merge(JsonNode base, JsonNode top) {
        if (base instanceof ObjectNode b && top instanceof ObjectNode t) {
            t.properties()
                    .forEach(e -> b.set(
                            e.getKey(), b.has(e.getKey()) ? merge(b.get(e.getKey()), e.getValue()) : e.getValue()));
            return b;
        }
        if (base instanceof ArrayNode b && top instanceof ArrayNode t) {
            Set<JsonNode> seen = new LinkedHashSet<>();
            b.forEach(seen::add);
            t.forEach(seen::add);
            ArrayNode out = JSON.createArrayNode();
            seen.forEach(out::add);
            return out;
        }
        return top;
    }
}
