/**
 * The container's {@code claude}: forwards argv, environment, working directory, stdin and signals to
 * the bridge daemon and reproduces the host process's output and exit status. It parses no flags.
 */
package dev.claudebridge.client;
