package dev.claudebridge.daemon.session;

import dev.claudebridge.daemon.exec.WorkingDirectory;
import dev.claudebridge.daemon.policy.ClaudeCli;
import dev.claudebridge.daemon.policy.Denial;
import dev.claudebridge.daemon.policy.ParsedArgs;
import dev.claudebridge.daemon.policy.PathMapper;
import dev.claudebridge.protocol.ErrorCode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The paths of a request, checked again at the moment of the spawn rather than only when the request
 * arrived (it may have waited in the queue meanwhile, and a container can change its own files): the
 * working directory is opened beneath its mapping's host root and held open for the spawn, and every
 * path option's mapped host value must still lie beneath its mapping.
 *
 * @param mapper the profile's mappings; empty when the request runs in a private scratch directory
 * @param containerCwd the caller's working directory, as the caller named it
 * @param options the mapped host paths of path options, with the option that carried each
 */
record SpawnPaths(Optional<PathMapper> mapper, String containerCwd, List<OptionPath> options) {
    /** One path option's value, mapped to the host. */
    record OptionPath(String option, Path host) {}

    SpawnPaths {
        options = List.copyOf(options);
    }

    /**
     * The host paths among the rewritten argv's option values.
     *
     * @param parsed the caller's argv as parsed (its value indexes hold in {@code hostArgv} too)
     * @param hostArgv the argv with path values mapped to host paths
     */
    static SpawnPaths of(PathMapper mapper, String containerCwd, ParsedArgs parsed, List<String> hostArgv) {
        List<OptionPath> out = new ArrayList<>();
        if (!mapper.isEmpty()) {
            for (ParsedArgs.Use use : parsed.options()) {
                ClaudeCli.Kind kind = use.option().kind();
                for (ParsedArgs.Value v : use.values()) {
                    String value = hostArgv.get(v.index()).substring(v.prefix().length());
                    String path = switch (kind) {
                        case PATH -> value;
                        case FILE_SPEC -> value.indexOf(':') >= 0 ? value.substring(value.indexOf(':') + 1) : null;
                        default -> null; // JSON files reach claude as their checked content, not as a path
                    };
                    if (path != null && path.startsWith("/")) {
                        out.add(new OptionPath(use.name(), Path.of(path)));
                    }
                }
            }
        }
        return new SpawnPaths(mapper.isEmpty() ? Optional.empty() : Optional.of(mapper), containerCwd, out);
    }

    /**
     * The host directories the request may write, as a sandbox shows them: the mapping roots of its working
     * directory and of its path options, or the scratch directory when the profile maps nothing.
     */
    List<Path> roots(Optional<Path> scratch) {
        if (scratch.isPresent()) {
            return List.of(scratch.get());
        }
        PathMapper m = mapper.orElseThrow();
        java.util.Set<Path> out = new java.util.LinkedHashSet<>();
        out.add(m.beneath(containerCwd).root());
        for (OptionPath o : options) {
            m.mappings().stream()
                    .filter(c -> o.host().normalize().startsWith(c.host()))
                    .forEach(c -> out.add(c.host()));
        }
        return List.copyOf(out);
    }

    /**
     * Checks the path options again and opens the working directory for the spawn.
     *
     * @param scratch the private directory to run in when the profile maps nothing
     * @throws Denial ({@code cwd_not_mapped}, or {@code policy_denied} for a path option) when a
     *     path now leads outside its mapping
     */
    WorkingDirectory pin(Optional<Path> scratch) {
        if (scratch.isPresent()) {
            return WorkingDirectory.open(scratch.get());
        }
        PathMapper m = mapper.orElseThrow();
        options.forEach(o -> m.recheck(o.host(), "the path given to " + o.option()));
        PathMapper.Beneath b = m.beneath(containerCwd);
        try {
            return WorkingDirectory.openBeneath(b.root(), b.relative());
        } catch (WorkingDirectory.OutsideException e) {
            throw new Denial(
                    ErrorCode.CWD_NOT_MAPPED,
                    "the working directory " + containerCwd + " cannot be used inside its mapping " + b.mapping()
                            + " now: " + e.getMessage());
        }
    }
}
