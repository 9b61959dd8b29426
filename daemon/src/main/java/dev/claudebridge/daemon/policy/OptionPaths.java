package dev.claudebridge.daemon.policy;

import dev.claudebridge.protocol.ErrorCode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Maps the values of path-bearing options ({@code --add-dir}, {@code --mcp-config}, {@code --settings},
 * {@code --plugin-dir}, {@code --debug-file}, ...) from container paths to host paths through the
 * profile's mappings, as the working directory is: a relative path is taken from the caller's working
 * directory, and a path outside every mapping, or leading out of one through a symbolic link, is refused.
 * A value that is inline JSON ({@code --mcp-config '{"mcpServers":...}'}) is passed as it is.
 */
public final class OptionPaths {
    /** The rule named in refusals and the audit log. */
    public static final String RULE = "path-option";

    private final PathMapper mapper;
    private final String profile;

    public OptionPaths(PathMapper mapper, String profile) {
        this.mapper = mapper;
        this.profile = profile;
    }

    /**
     * The argv with every path value replaced by its host path.
     *
     * @param containerCwd the caller's working directory, absolute, as the caller sees it
     * @throws PolicyException ({@code policy_denied}) for a path that cannot be mapped
     */
    public List<String> rewrite(List<String> argv, ParsedArgs parsed, String containerCwd) {
        List<String> out = new ArrayList<>(argv);
        for (ParsedArgs.Use use : parsed.options()) {
            ClaudeCli.Kind kind = use.option().kind();
            for (ParsedArgs.Value v : use.values()) {
                String mapped = switch (kind) {
                    case TEXT -> v.text();
                    case PATH -> map(use, v.text(), containerCwd);
                    case PATH_OR_JSON -> isJson(v.text()) ? v.text() : map(use, v.text(), containerCwd);
                    case FILE_SPEC -> fileSpec(use, v.text(), containerCwd);
                };
                if (!mapped.equals(v.text())) {
                    out.set(v.index(), v.prefix() + mapped);
                }
            }
        }
        return out;
    }

    /** {@code file_id:relative_path}: the path must stay inside the mappings; a relative one is kept as it is. */
    private String fileSpec(ParsedArgs.Use use, String spec, String cwd) {
        int colon = spec.indexOf(':');
        if (colon < 0) {
            return spec;
        }
        String path = spec.substring(colon + 1);
        String host = map(use, path, cwd);
        return path.startsWith("/") ? spec.substring(0, colon + 1) + host : spec;
    }

    static boolean isJson(String value) {
        String t = value.strip();
        return t.startsWith("{") || t.startsWith("[");
    }

    private String map(ParsedArgs.Use use, String value, String containerCwd) {
        String what = "the path '" + value + "' given to " + use.name();
        if (mapper.isEmpty()) {
            throw deny(what + " cannot be passed: profile '" + profile + "' maps no container paths to the host");
        }
        if (value.startsWith("~")) {
            throw deny(what + " starts with ~, which would mean a home directory on the host; give a path under a mapped directory");
        }
        Path container = Path.of(containerCwd).resolve(value).normalize();
        PathMapping m = mapper.covering(container).orElseThrow(() -> deny(what + " is outside the mapped paths "
                + mapper.mappings().stream().map(PathMapping::toString).toList() + " of profile '" + profile
                + "'; use a path under one of them, or ask the operator to add a mapping"));
        Path host = m.host().resolve(m.container().relativize(container).toString()).normalize();
        try {
            Path root = m.host().toRealPath();
            Path existing = host;
            while (existing != null && !Files.exists(existing, LinkOption.NOFOLLOW_LINKS)) {
                existing = existing.getParent();
            }
            Path real = existing == null ? root : existing.toRealPath();
            if (!real.startsWith(root)) {
                throw deny(what + " leads outside its mapping " + m + " through a symbolic link (to " + real + ")");
            }
            return real.resolve(existing == null ? host.toString() : existing.relativize(host).toString()).toString();
        } catch (IOException e) {
            throw deny(what + " maps to " + host + ", which cannot be resolved on the host: " + e.getMessage());
        }
    }

    private static PolicyException deny(String message) {
        return new PolicyException(ErrorCode.POLICY_DENIED, RULE, message);
    }
}
