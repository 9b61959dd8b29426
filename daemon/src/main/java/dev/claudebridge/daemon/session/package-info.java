/**
 * The session engine: one connection carries one request, from handshake through policy and the host
 * process to its exit. Transport-agnostic: it works on a pair of streams.
 */
package dev.claudebridge.daemon.session;
