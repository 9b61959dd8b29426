/**
 * Admission and connection management: which request runs when (global and per-profile caps, a queue
 * fair across clients, rate limits), how long it may run, how many connections stay open, and the
 * graceful shutdown that drains them.
 */
package dev.claudebridge.daemon.admission;
