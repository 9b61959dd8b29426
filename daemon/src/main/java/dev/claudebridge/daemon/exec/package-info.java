/**
 * Finding the host's real {@code claude} and running it: posix_spawn through the foreign-function API
 * so the process leads its own session and process group, and its exact exit status or signal is known.
 * Knows nothing of sockets or the protocol.
 */
package dev.claudebridge.daemon.exec;
