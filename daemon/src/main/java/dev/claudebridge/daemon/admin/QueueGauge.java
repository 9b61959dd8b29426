package dev.claudebridge.daemon.admin;

/**
 * How many requests wait for a running slot right now. Admission provides the real count; without
 * one, the tracker counts sessions that have sent their request and are not yet admitted.
 */
@FunctionalInterface
public interface QueueGauge {
    long queued();
}
