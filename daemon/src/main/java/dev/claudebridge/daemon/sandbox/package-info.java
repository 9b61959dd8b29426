/**
 * The host-side sandbox around claude: its bubblewrap view of the host, a proxy on a Unix socket that
 * forwards the API calls of a per-request placeholder with the real credential, and a proxy that lets
 * a run's tools reach only what its profile's network allow-list names.
 */
package dev.claudebridge.daemon.sandbox;
