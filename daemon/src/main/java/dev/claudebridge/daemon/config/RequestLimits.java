package dev.claudebridge.daemon.config;

/**
 * Size limits on one request's fields (keys of a profile). The protocol itself caps a REQUEST frame
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
    /** The protocol's own cap on a REQUEST frame. */
    private static final long FRAME = 1 << 20;

    static final Table<RequestLimits> TABLE = new Table<>(v -> new RequestLimits(
            v.get(RequestLimits.MAX_REQUEST_BYTES),
            v.get(RequestLimits.MAX_ARGS),
            v.get(RequestLimits.MAX_ARGV_BYTES),
            v.get(RequestLimits.MAX_ENV_VARS),
            v.get(RequestLimits.MAX_ENV_BYTES),
            v.get(RequestLimits.MAX_CWD_BYTES)));

    public static final Setting<RequestLimits, Long> MAX_REQUEST_BYTES =
            TABLE.size("max-request-bytes", FRAME, 1024, FRAME, RequestLimits::maxRequestBytes);
    public static final Setting<RequestLimits, Integer> MAX_ARGS =
            TABLE.integer("max-args", 4096, 0, 100_000, RequestLimits::maxArgs);
    public static final Setting<RequestLimits, Long> MAX_ARGV_BYTES =
            TABLE.size("max-argv-bytes", FRAME, 0, FRAME, RequestLimits::maxArgvBytes);
    public static final Setting<RequestLimits, Integer> MAX_ENV_VARS =
            TABLE.integer("max-env-vars", 2048, 0, 100_000, RequestLimits::maxEnvVars);
    public static final Setting<RequestLimits, Long> MAX_ENV_BYTES =
            TABLE.size("max-env-bytes", 512 * 1024, 0, FRAME, RequestLimits::maxEnvBytes);
    public static final Setting<RequestLimits, Integer> MAX_CWD_BYTES = TABLE.scalar(
            "max-cwd-bytes",
            4096,
            v -> (int) Units.size(v, 1, 65536),
            v -> Units.formatSize(v),
            RequestLimits::maxCwdBytes);

    public static RequestLimits defaults() {
        return TABLE.defaults();
    }
}
