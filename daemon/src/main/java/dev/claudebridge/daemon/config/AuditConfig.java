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
    static final Table<AuditConfig> TABLE = new Table<>(v -> new AuditConfig(
            v.get(AuditConfig.PATH),
            v.get(AuditConfig.MAX_SIZE),
            v.get(AuditConfig.KEEP),
            v.get(AuditConfig.FAIL_CLOSED),
            v.get(AuditConfig.MAX_ARG_LENGTH)));

    /** $CLAUDE_BRIDGE_AUDIT_LOG, else a system or a user place ({@link Defaults#auditPath()}). */
    public static final Setting<AuditConfig, Path> PATH = TABLE.scalar(
            "path",
            Defaults.auditPath(),
            v -> Units.absolutePath(v).orElseGet(Defaults::auditPath),
            Path::toString,
            AuditConfig::path);

    public static final Setting<AuditConfig, Long> MAX_SIZE =
            TABLE.size("max-size", 100L << 20, 4096, Long.MAX_VALUE / 2, AuditConfig::maxSize);
    public static final Setting<AuditConfig, Integer> KEEP = TABLE.integer("keep", 5, 0, 1000, AuditConfig::keep);
    public static final Setting<AuditConfig, Boolean> FAIL_CLOSED =
            TABLE.bool("fail-closed", true, AuditConfig::failClosed);
    public static final Setting<AuditConfig, Integer> MAX_ARG_LENGTH =
            TABLE.integer("max-arg-length", 200, 0, 1024 * 1024, AuditConfig::maxArgLength);

    public static AuditConfig defaults() {
        return TABLE.defaults();
    }

    public <T> AuditConfig with(Setting<AuditConfig, T> s, T value) {
        return s.with(this, value);
    }
}
