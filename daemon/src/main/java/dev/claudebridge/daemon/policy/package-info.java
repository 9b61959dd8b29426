/**
 * What a caller may do on the host: plain functions over a request. Profiles and how callers are bound
 * to them, the argument policy (claude's command line read as claude reads it), path options and the
 * working directory mapped into the host, the environment allow-list, and request size limits.
 * Nothing here touches sockets or processes.
 */
package dev.claudebridge.daemon.policy;
