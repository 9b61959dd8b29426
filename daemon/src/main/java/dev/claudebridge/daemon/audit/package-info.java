/**
 * The audit log: one JSON line per request, written by its own writer (not the logging framework),
 * forced to disk, rotated by size; a request whose start cannot be recorded does not run.
 */
package dev.claudebridge.daemon.audit;
