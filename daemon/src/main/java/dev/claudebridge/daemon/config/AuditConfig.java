package dev.claudebridge.daemon.config;

import java.nio.file.Path;

/**
 * The audit log ({@code audit:}).
 *
 * @param path the log file; rotated files are {@code PATH.1} ... {@code PATH.keep}
 * @param maxSize rotate when the file would grow beyond this many bytes
 * @param keep rotated files kept
 * @param failClosed refuse requests when a record cannot be written (true), or run them and log loudly (false)
 * @param maxArgLength arguments longer than this many characters are cut and their SHA-256 recorded
 */
public record AuditConfig(Path path, long maxSize, int keep, boolean failClosed, int maxArgLength) {
    public static AuditConfig defaults() {
        return new AuditConfig(Defaults.auditPath(), 100L * 1024 * 1024, 5, true, 200);
    }
}
