package dev.claudebridge.daemon.admin;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Supplier;

/**
 * A readiness check that a file the daemon appends to (the audit log) can still be written, and that
 * its directory can take the rotated files. When the audit fails closed, a log that cannot be written
 * refuses every request, so the daemon is not ready.
 */
public final class WritableFileCheck implements ReadinessCheck {
    private final String name;
    private final Supplier<Path> file;

    public WritableFileCheck(String name, Supplier<Path> file) {
        this.name = name;
        this.file = file;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Outcome check() {
        Path p = file.get().toAbsolutePath();
        Path dir = p.getParent();
        if (Files.exists(p) && !Files.isWritable(p)) {
            return Outcome.failed(p + " is not writable");
        }
        if (dir == null || !Files.isDirectory(dir)) {
            return Outcome.failed("directory of " + p + " is gone");
        }
        if (!Files.isWritable(dir)) {
            return Outcome.failed("directory of " + p + " is not writable (rotation needs it)");
        }
        return Outcome.ok(p + " writable");
    }
}
