/** The {@code claude-bridge} command line: {@code serve} and the admin commands, with picocli. */
package dev.claudebridge.daemon.cli;
