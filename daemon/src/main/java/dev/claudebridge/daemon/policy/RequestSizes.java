package dev.claudebridge.daemon.policy;

import dev.claudebridge.daemon.config.RequestLimits;
import dev.claudebridge.daemon.config.Units;
import dev.claudebridge.protocol.ErrorCode;
import dev.claudebridge.protocol.Request;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** The size limits of a profile, checked on a decoded request; each refusal names the limit and its key. */
public final class RequestSizes {
    private RequestSizes() {}

    /**
     * @throws Denial ({@code bad_request}) naming the first limit broken
     */
    public static void check(Request r, RequestLimits limits, String profile) {
        long argvBytes = 0;
        for (String a : r.argv()) {
            argvBytes += utf8(a);
        }
        long envBytes = 0;
        for (Map.Entry<String, String> e : r.env().entrySet()) {
            envBytes += utf8(e.getKey()) + 1 + utf8(e.getValue());
        }
        long requestBytes = r.toFrame().payload().length;
        over(
                "max-request-bytes",
                "the request is " + requestBytes + " bytes",
                requestBytes,
                limits.maxRequestBytes(),
                true,
                profile);
        over(
                "max-args",
                "the request has " + r.argv().size() + " arguments",
                r.argv().size(),
                limits.maxArgs(),
                false,
                profile);
        over(
                "max-argv-bytes",
                "the arguments take " + argvBytes + " bytes",
                argvBytes,
                limits.maxArgvBytes(),
                true,
                profile);
        over(
                "max-env-vars",
                "the request offers " + r.env().size() + " environment variables",
                r.env().size(),
                limits.maxEnvVars(),
                false,
                profile);
        over(
                "max-env-bytes",
                "the environment variables take " + envBytes + " bytes",
                envBytes,
                limits.maxEnvBytes(),
                true,
                profile);
        long cwd = utf8(r.cwd());
        over("max-cwd-bytes", "the working directory is " + cwd + " bytes", cwd, limits.maxCwdBytes(), true, profile);
    }

    private static void over(String key, String what, long value, long limit, boolean bytes, String profile) {
        if (value > limit) {
            throw new Denial(
                    ErrorCode.BAD_REQUEST,
                    key,
                    what + ", more than the " + (bytes ? Units.formatSize(limit) : limit) + " profile '" + profile
                            + "' allows (" + key + " in the bridge's configuration)");
        }
    }

    private static long utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }
}
