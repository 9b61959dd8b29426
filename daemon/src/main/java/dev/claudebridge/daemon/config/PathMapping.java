package dev.claudebridge.daemon.config;

import java.nio.file.Path;

/**
 * One container path prefix and the host directory it stands for, as in {@code --map /workspace=/srv/ws}.
 */
public record PathMapping(Path container, Path host) {
    public PathMapping {
        if (!container.isAbsolute() || !host.isAbsolute()) {
            throw new IllegalArgumentException(
                    "both sides of a mapping must be absolute paths: " + container + "=" + host);
        }
        container = container.normalize();
        host = host.normalize();
    }

    /**
     * Parses {@code CONTAINER=HOST}.
     *
     * @throws IllegalArgumentException naming what is wrong
     */
    public static PathMapping parse(String spec) {
        int eq = spec.indexOf('=');
        if (eq <= 0 || eq == spec.length() - 1) {
            throw new IllegalArgumentException("a mapping is CONTAINER_PATH=HOST_PATH, got: " + spec);
        }
        return new PathMapping(Path.of(spec.substring(0, eq)), Path.of(spec.substring(eq + 1)));
    }

    @Override
    public String toString() {
        return container + "=" + host;
    }
}
