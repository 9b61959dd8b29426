/**
 * The admin side: health and readiness, Prometheus metrics, the status API and the live dashboard,
 * served on their own listener (never on the agents' sockets), all fed by a session listener.
 */
package dev.claudebridge.daemon.admin;
