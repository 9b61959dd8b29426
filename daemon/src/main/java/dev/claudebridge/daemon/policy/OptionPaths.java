package dev.claudebridge.daemon.policy;

import dev.claudebridge.daemon.config.PathMapping;
import dev.claudebridge.protocol.ErrorCode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/**
 * Maps the values of path-bearing options ({@code --add-dir}, {@code --mcp-config}, {@code --settings},
 * {@code --plugin-dir}, {@code --debug-file}, ...) from container paths to host paths through the
 * profile's mappings, as the working directory is: a relative path is taken from the caller's working
 * directory, and a path outside every mapping, or leading out of one through a symbolic link, is refused.
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

    /** {@code file_id:relative_path}: the path must stay inside the mappings; a relative one is kept as it is. */
    String fileSpec(String option, String spec, String cwd) {
        int colon = spec.indexOf(':');
        if (colon < 0) {
            return spec;
        }
        String path = spec.substring(colon + 1);
        String host = map(option, path, cwd);
        return path.startsWith("/") ? spec.substring(0, colon + 1) + host : spec;
    }

    /**
     * The host path for a path option's value.
     *
     * @throws Denial ({@code policy_denied}) for a path that cannot be mapped
     */
    String map(String option, String value, String containerCwd) {
        String what = "the path '" + value + "' given to " + option;
        if (mapper.isEmpty()) {
            throw deny(what + " cannot be passed: profile '" + profile + "' maps no container paths to the host");
        }
        if (value.startsWith("~")) {
            throw deny(
                    what
                            + " starts with ~, which would mean a home directory on the host; give a path under a mapped directory");
        }
        Path container = Path.of(containerCwd).resolve(value).normalize();
        PathMapping m = mapper.covering(container)
                .orElseThrow(() -> deny(what + " is outside the mapped paths "
                        + mapper.mappings().stream().map(PathMapping::toString).toList() + " of profile '" + profile
                        + "'; use a path under one of them, or ask the operator to add a mapping"));
        Path host =
                m.host().resolve(m.container().relativize(container).toString()).normalize();
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
            return real.resolve(
                            existing == null
                                    ? host.toString()
                                    : existing.relativize(host).toString())
                    .toString();
        } catch (IOException e) {
            throw deny(what + " maps to " + host + ", which cannot be resolved on the host: " + e.getMessage());
        }
    }

    private static Denial deny(String message) {
        return new Denial(ErrorCode.POLICY_DENIED, RULE, message);
    }
}
