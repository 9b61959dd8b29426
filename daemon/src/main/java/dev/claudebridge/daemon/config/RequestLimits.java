package dev.claudebridge.daemon.config;

/**
 * Size limits on one request's fields (part of a profile). The protocol itself caps a REQUEST frame
 * at 1 MiB; these can only lower that.
 *
 * @param maxRequestBytes the encoded request as a whole
 * @param maxArgs number of arguments
 * @param maxArgvBytes all arguments together, in UTF-8 bytes
 * @param maxEnvVars number of environment variables offered
 * @param maxEnvBytes all offered variables together ({@code NAME=VALUE} bytes)
 * @param maxCwdBytes the working directory
 */
public record RequestLimits(
        long maxRequestBytes, int maxArgs, long maxArgvBytes, int maxEnvVars, long maxEnvBytes, int maxCwdBytes) {
    public static RequestLimits defaults() {
        return new RequestLimits(1024 * 1024, 4096, 1024 * 1024, 2048, 512 * 1024, 4096);
    }
}
