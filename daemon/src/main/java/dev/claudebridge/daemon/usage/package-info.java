/**
 * What the host claude used and what the API's limits say: its own reports read from its output or its
 * session transcript, totals per profile and client, budgets, and the login's rate-limit state.
 */
package dev.claudebridge.daemon.usage;
