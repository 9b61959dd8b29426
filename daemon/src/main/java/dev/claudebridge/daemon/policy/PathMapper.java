package dev.claudebridge.daemon.policy;

import dev.claudebridge.daemon.config.PathMapping;
import dev.claudebridge.protocol.ErrorCode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Maps a container path to the host path it stands for. The longest matching container prefix wins
 * (by whole path components: {@code /workspace2} is not under {@code /workspace}); {@code ..} is
 * resolved before matching, and symlinks after, so neither can lead outside the host side of the mapping.
 */
public final class PathMapper {
    private final List<PathMapping> mappings;

    public PathMapper(List<PathMapping> mappings) {
        this.mappings = mappings.stream()
                .sorted(Comparator.comparingInt((PathMapping m) -> m.container().getNameCount())
                        .reversed())
                .toList();
    }

    public List<PathMapping> mappings() {
        return mappings;
    }

    public boolean isEmpty() {
        return mappings.isEmpty();
    }

    /**
     * The existing host directory for a container working directory.
     *
     * @throws Denial ({@code cwd_not_mapped}) when no mapping covers it, when it escapes its
     *     mapping through a symlink, or when the host directory does not exist
     */
    public Path mapDirectory(String containerPath) {
        Path host = mapLexically(containerPath);
        PathMapping m = covering(Path.of(containerPath).normalize()).orElseThrow();
        Path real;
        Path root;
        try {
            real = host.toRealPath();
            root = m.host().toRealPath();
        } catch (IOException e) {
            throw new Denial(
                    ErrorCode.CWD_NOT_MAPPED,
                    "the working directory " + containerPath + " maps to " + host
                            + ", which does not exist on the host");
        }
        if (!real.startsWith(root)) {
            throw new Denial(
                    ErrorCode.CWD_NOT_MAPPED,
                    "the working directory " + containerPath + " leads outside its mapping " + m
                            + " through a symbolic link (to " + real + ")");
        }
        if (!Files.isDirectory(real)) {
            throw new Denial(
                    ErrorCode.CWD_NOT_MAPPED,
                    "the working directory " + containerPath + " maps to " + real + ", which is not a directory");
        }
        return real;
    }

    /**
     * The host path for a container path, without touching the file system.
     *
     * @throws Denial ({@code cwd_not_mapped}) when the path is relative or no mapping covers it
     */
    public Path mapLexically(String containerPath) {
        Path p = Path.of(containerPath);
        if (!p.isAbsolute()) {
            throw new Denial(ErrorCode.CWD_NOT_MAPPED, "the working directory must be absolute, got " + containerPath);
        }
        Path normal = p.normalize();
        PathMapping m = covering(normal)
                .orElseThrow(
                        () -> new Denial(
                                ErrorCode.CWD_NOT_MAPPED,
                                "the working directory " + containerPath + " is not under any mapped path; mapped: "
                                        + (mappings.isEmpty()
                                                ? "(none)"
                                                : mappings.stream()
                                                        .map(PathMapping::toString)
                                                        .toList())
                                        + ". Run claude from inside a mapped directory, or ask the operator to add a mapping (--map CONTAINER=HOST)."));
        return m.host().resolve(m.container().relativize(normal).toString()).normalize();
    }

    /**
     * A container directory as the mapping's host root and the path beneath it, for opening it
     * beneath the root at the moment of use (the check above may be long past by then).
     *
     * @throws Denial ({@code cwd_not_mapped}) as {@link #mapLexically}
     */
    public Beneath beneath(String containerPath) {
        mapLexically(containerPath);
        Path normal = Path.of(containerPath).normalize();
        PathMapping m = covering(normal).orElseThrow();
        return new Beneath(m, m.container().relativize(normal));
    }

    /** A mapping's host root and a relative path without {@code ..} beneath it. */
    public record Beneath(PathMapping mapping, Path relative) {
        public Path root() {
            return mapping.host();
        }
    }

    /**
     * Checks again that a host path mapped earlier (a path option's value) still lies beneath a mapping's
     * host directory: what of it exists now is resolved, links and all.
     *
     * @throws Denial ({@code policy_denied}, rule {@code path-option}) when it now leads outside
     */
    public void recheck(Path host, String what) {
        Denial first = null;
        for (PathMapping m : mappings) {
            Path root;
            try {
                root = m.host().toRealPath();
            } catch (IOException e) {
                continue;
            }
            if (!host.startsWith(root)) {
                continue;
            }
            Path existing = host;
            while (existing != null && !Files.exists(existing, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                existing = existing.getParent();
            }
            try {
                Path real = existing == null ? root : existing.toRealPath();
                if (real.startsWith(root)) {
                    return;
                }
                first = first != null
                        ? first
                        : new Denial(
                                ErrorCode.POLICY_DENIED,
                                OptionPaths.RULE,
                                what + " (" + host
                                        + ") was changed while the request waited and now leads outside its mapping "
                                        + m + " (to " + real + ")");
            } catch (IOException e) {
                first = first != null
                        ? first
                        : new Denial(
                                ErrorCode.POLICY_DENIED,
                                OptionPaths.RULE,
                                what + " (" + host + ") cannot be resolved on the host any more: " + e.getMessage());
            }
        }
        throw first != null
                ? first
                : new Denial(
                        ErrorCode.POLICY_DENIED,
                        OptionPaths.RULE,
                        what + " (" + host + ") is no longer under a mapped directory");
    }

    /** The mapping that covers a normalized absolute container path (the longest prefix). */
    public Optional<PathMapping> covering(Path normal) {
        return mappings.stream().filter(m -> normal.startsWith(m.container())).findFirst();
    }
}
