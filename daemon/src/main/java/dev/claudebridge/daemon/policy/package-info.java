/**
 * What a caller may do on the host: plain functions over a request (working-directory mapping, the
 * environment allow-list). Nothing here touches sockets or processes.
 */
package dev.claudebridge.daemon.policy;
