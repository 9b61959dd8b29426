/**
 * What keeps credentials out of a sandboxed claude: a proxy on a Unix socket that admits requests
 * carrying a per-request placeholder and forwards them to the API with the real credential.
 */
package dev.claudebridge.daemon.sandbox;
