/**
 * Listeners that accept connections and hand each one, as a pair of streams, to the session engine.
 * Transports are interchangeable adapters: none of them knows the protocol.
 */
package dev.claudebridge.daemon.transport;
