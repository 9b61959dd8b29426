package dev.claudebridge.daemon.session;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.claudebridge.daemon.config.ClaudeSettingsConfig;
import dev.claudebridge.daemon.config.ProfileConfig;
import dev.claudebridge.daemon.policy.ParsedArgs;
import dev.claudebridge.protocol.ErrorCode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The daemon decides which configuration claude loads. Every run gets the daemon's {@code --settings}
 * (its own settings, {@link DaemonSettings}, merged over the caller's validated ones) and its
 * {@code --setting-sources} (the profile's sources, narrowed by the caller's), in front of the caller's
 * arguments; the caller's own {@code --settings} and {@code --setting-sources} are taken out, because
 * claude keeps only the last value of each and the daemon's must be the one it reads. The one exception
 * is a lone version flag ({@link #VERSION_ONLY}), which claude answers before reading any of it.
 *
 * <p>claude also reads these options in an early scan of the raw argv, before its parser runs, which
 * does not know which words are values of other options ({@code --append-system-prompt --settings ...}).
 * So no other argv element may look like one of them: such a request is refused.
 */
final class SettingsControl {
    /** The rule named in refusals and the audit log. */
    static final String RULE = "claude-settings";

    static final List<String> SCANNED = List.of("--settings", "--setting-sources", "--managed-settings");
    /**
     * The argvs claude answers with its version before it reads any configuration or starts anything,
     * and only when the flag stands alone: with the daemon's options in front it loads its whole program
     * first (Claude Code 2.1: 0.28 s against 0.62 s) to print the same line. Nothing the daemon's settings
     * govern (hooks, permissions, sources) runs for them, so they go to claude as the caller gave them.
     */
    static final Set<List<String>> VERSION_ONLY = Set.of(List.of("--version"), List.of("-v"), List.of("-V"));

    private static final long MAX_FILE_BYTES = 1024 * 1024;

    private SettingsControl() {}

    /**
     * @param argv the caller's argv with path values mapped to the host ({@code parsed} describes it)
     * @param env the environment claude will run with
     * @throws Refusal ({@code policy_denied}) for settings that cannot be read or merged, or an argument claude's early scan would misread
     */
    static ArgvEdit edit(
            ParsedArgs parsed, List<String> argv, ProfileConfig profile, java.util.Map<String, String> env) {
        if (VERSION_ONLY.contains(argv)) {
            return ArgvEdit.NONE;
        }
        Set<Integer> drop = new HashSet<>();
        Optional<String> callerSettings = Optional.empty();
        Optional<String> callerSources = Optional.empty();
        for (ParsedArgs.Use use : parsed.options()) {
            if (use.name().equals("--settings") || use.name().equals("--setting-sources")) {
                drop.add(use.index());
                use.values().forEach(v -> drop.add(v.index()));
                // the value as it stands now: a path in it is already the host's
                Optional<String> last = use.values().isEmpty()
                        ? Optional.empty()
                        : Optional.of(argv.get(use.values().getLast().index())
                                .substring(use.values().getLast().prefix().length()));
                if (use.name().equals("--settings")) {
                    callerSettings = last.or(() -> Optional.of(""));
                } else {
                    callerSources = last.or(() -> Optional.of(""));
                }
            }
        }
        for (int i = 0; i < argv.size(); i++) {
            if (!drop.contains(i) && looksScanned(argv.get(i))) {
                throw deny("argument " + (i + 1) + " ('" + argv.get(i)
                        + "') is read by claude's parser as a value or an operand, but claude's"
                        + " early settings scan would read it as " + argv.get(i).split("=", 2)[0]
                        + "; give that option on its own");
            }
        }
        ClaudeSettingsConfig config = profile.claudeSettings();
        List<String> prefix = new ArrayList<>();
        Optional<JsonNode> caller = callerSettings.map(SettingsControl::read);
        if (config.daemonSettings()) {
            JsonNode merged = DaemonSettings.merge(
                    caller.orElseGet(DaemonSettings.JSON::createObjectNode), DaemonSettings.of(profile, env));
            prefix.addAll(List.of("--settings", merged.toString()));
        } else if (caller.isPresent()) {
            prefix.addAll(List.of("--settings", caller.get().toString()));
        }
        prefix.addAll(List.of("--setting-sources", String.join(",", sources(config.sources(), callerSources))));
        return new ArgvEdit(prefix, drop, java.util.Map.of());
    }

    static boolean looksScanned(String arg) {
        return SCANNED.stream().anyMatch(n -> arg.equals(n) || arg.startsWith(n + "="));
    }

    /** The profile's sources, narrowed to the caller's when it names some; in claude's order. */
    static List<String> sources(List<String> allowed, Optional<String> asked) {
        if (asked.isEmpty()) {
            return allowed;
        }
        Set<String> wanted = new HashSet<>();
        if (!asked.get().isEmpty()) {
            for (String s : asked.get().split(",")) {
                String name = s.trim();
                if (!ClaudeSettingsConfig.SOURCE_NAMES.contains(name)) {
                    throw deny("--setting-sources: invalid setting source '" + name
                            + "'; valid ones are user, project, local");
                }
                wanted.add(name);
            }
        }
        return allowed.stream().filter(wanted::contains).toList();
    }

    /** The caller's settings as claude would read them: inline JSON when the value is {@code {...}}, else a (mapped) file. */
    private static JsonNode read(String value) {
        String t = value.strip();
        JsonNode node;
        try {
            if (t.startsWith("{") && t.endsWith("}")) {
                node = DaemonSettings.JSON.readTree(t);
            } else {
                Path file = Path.of(value);
                if (!file.isAbsolute()) {
                    throw deny(
                            "--settings '" + value + "' is neither a JSON object nor a path under a mapped directory");
                }
                node = DaemonSettings.JSON.readTree(readFile(file));
            }
        } catch (JsonProcessingException e) {
            throw deny("--settings is not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw deny("--settings cannot be read: " + e.getMessage());
        }
        if (!(node instanceof ObjectNode)) {
            throw deny("--settings must be a JSON object");
        }
        return node;
    }

    private static byte[] readFile(Path file) {
        try (FileChannel ch = FileChannel.open(file, Set.of(StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS));
                InputStream in = Channels.newInputStream(ch)) {
            if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
                throw deny("--settings " + file + " is not a regular file");
            }
            byte[] b = in.readNBytes((int) MAX_FILE_BYTES + 1);
            if (b.length > MAX_FILE_BYTES) {
                throw deny("--settings " + file + " is larger than 1 MiB");
            }
            return b;
        } catch (IOException e) {
            throw deny("--settings " + file + " cannot be read: " + e.getMessage());
        }
    }

    static Refusal deny(String message) {
        return new Refusal(ErrorCode.POLICY_DENIED, RULE, message);
    }
}
