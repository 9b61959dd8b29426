/**
 * The claude-bridge wire protocol: length-prefixed binary frames and the messages they carry. It knows
 * nothing of processes or sockets; docs/PROTOCOL.md is its specification.
 */
package dev.claudebridge.protocol;
