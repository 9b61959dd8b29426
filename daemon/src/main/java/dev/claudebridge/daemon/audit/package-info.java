/**
 * The audit log: one JSON line per request, written by its own writer (not the logging framework),
 * forced to disk, rotated by size, with a reserve so end records survive a full disk; a request whose
 * start cannot be recorded does not run, and a daemon closes the records a dead one left open.
 */
package dev.claudebridge.daemon.audit;
