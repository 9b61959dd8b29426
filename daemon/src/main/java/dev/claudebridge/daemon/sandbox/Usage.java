package dev.claudebridge.daemon.sandbox;

import java.util.OptionalInt;

/**
 * What one grant's requests have used so far.
 *
 * @param requests HTTP requests forwarded upstream (refused ones are not counted)
 * @param bytesUp request body bytes sent upstream
 * @param bytesDown response body bytes received from upstream, as they came (compressed if they were)
 * @param lastStatus the status of the latest response the caller got, upstream's or the proxy's own 502/504
 */
public record Usage(long requests, long bytesUp, long bytesDown, OptionalInt lastStatus) {}
