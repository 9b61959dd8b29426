/**
 * The daemon's configuration: immutable records with documented defaults (docs/CONFIG.md), and the
 * YAML loader that validates a file and names the line and key of each problem.
 */
package dev.claudebridge.daemon.config;
