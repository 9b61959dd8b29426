package dev.claudebridge.daemon.policy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Which of the caller's environment variables reach the host process. Only allow-listed names cross;
 * a few names can never cross, whatever the allow-list says, because they would let a container run
 * code on the host or redirect the host's credentials. The process otherwise inherits the daemon's own
 * environment, so the host's login keeps working; nothing of the host's environment goes back.
 */
public final class EnvPolicy {
    /** Terminal, locale and colour settings. A trailing {@code *} is a prefix. */
    public static final List<String> TERMINAL =
            List.of("TERM", "COLORTERM", "LANG", "LC_*", "TZ", "NO_COLOR", "FORCE_COLOR");

    /**
     * What the Agent SDKs set to describe the caller (entry point, SDK version, the features it drives)
     * and what users set to tune a call (timeouts, retries, output and tool limits, tracing). None carries
     * a secret or reaches anything on the host beyond the request's own claude.
     */
    public static final List<String> SDK_AND_TUNING = List.of(
            "CLAUDE_CODE_ENTRYPOINT",
            "CLAUDE_AGENT_SDK_VERSION",
            "CLAUDE_AGENT_SDK_CLIENT_APP",
            "CLAUDE_CODE_ENABLE_SDK_FILE_CHECKPOINTING",
            "CLAUDE_CODE_SDK_READS_SESSION_STATE",
            "CLAUDE_CODE_SDK_READS_STARTUP_MARKS",
            "CLAUDE_CODE_QUESTION_PREVIEW_FORMAT",
            "TRACEPARENT",
            "TRACESTATE",
            "API_TIMEOUT_MS",
            "CLAUDE_CODE_MAX_RETRIES",
            "CLAUDE_CODE_STREAM_CLOSE_TIMEOUT",
            "MCP_TIMEOUT",
            "MCP_TOOL_TIMEOUT",
            "MAX_MCP_OUTPUT_TOKENS",
            "CLAUDE_CODE_SDK_MCP_TOOL_IDLE_TIMEOUT",
            "CLAUDE_CODE_MAX_OUTPUT_TOKENS",
            "MAX_THINKING_TOKENS",
            "BASH_DEFAULT_TIMEOUT_MS",
            "BASH_MAX_TIMEOUT_MS",
            "BASH_MAX_OUTPUT_LENGTH",
            "DISABLE_TELEMETRY",
            "DISABLE_ERROR_REPORTING",
            "BUN_ENABLE_CRASH_REPORTING");

    /** The default allow-list: {@link #TERMINAL} and {@link #SDK_AND_TUNING}. */
    public static final List<String> DEFAULT_ALLOW = concat(TERMINAL, SDK_AND_TUNING);

    /**
     * Variables that tie a claude to another Claude Code session: the one a caller runs inside, or the
     * one the daemon was started from (a terminal in Claude Code, an IDE, a remote-control bridge). They
     * never cross, and they are taken out of the daemon's own environment before anything is spawned.
     */
    public static final List<String> SESSION_BINDING = List.of(
            "CLAUDECODE",
            "CLAUDE_CODE_SSE_PORT",
            "CLAUDE_CODE_CHILD_SESSION",
            "CLAUDE_CODE_SESSION_*",
            "CLAUDE_CODE_EXECPATH",
            "CLAUDE_CODE_HOST_AUTH_ENV_VAR",
            "CLAUDE_CODE_PROVIDER_MANAGED_BY_HOST",
            "CLAUDE_CODE_SDK_HAS_OAUTH_REFRESH",
            "CLAUDE_CODE_SDK_HAS_HOST_AUTH_REFRESH",
            "CLAUDE_CODE_REMOTE*",
            "CLAUDE_CODE_ENVIRONMENT_KIND",
            "CLAUDE_CODE_SPAWNED_BY_SERVER",
            "CLAUDE_CODE_WEBSOCKET_AUTH_FILE_DESCRIPTOR",
            "CLAUDE_CODE_AUTO_CONNECT_IDE",
            "CLAUDE_SESSION_*",
            "CLAUDE_BRIDGE_*",
            "CLAUDE_SSH_*",
            "CLAUDE_EFFORT",
            "AI_AGENT");

    /**
     * Taken out of the daemon's own environment: {@link #SESSION_BINDING}, and the variables that
     * describe how the daemon itself was started (entry point, SDK, trace), which belong to each request.
     */
    public static final List<String> NOT_INHERITED = concat(
            SESSION_BINDING,
            List.of(
                    "CLAUDE_CODE_ENTRYPOINT",
                    "CLAUDE_AGENT_SDK_*",
                    "CLAUDE_CODE_ENABLE_SDK_FILE_CHECKPOINTING",
                    "CLAUDE_CODE_SDK_READS_*",
                    "CLAUDE_CODE_QUESTION_PREVIEW_FORMAT",
                    "TRACEPARENT",
                    "TRACESTATE"));

    /** Never passed on, allow-list or not (compared without case; a trailing {@code *} is a prefix). */
    public static final List<String> NEVER = List.of(
            "LD_*",
            "DYLD_*",
            "NODE_OPTIONS",
            "NODE_PATH",
            "PATH",
            "HOME",
            "SHELL",
            "BASH_ENV",
            "ENV",
            "PROMPT_COMMAND",
            "ANTHROPIC_*",
            "CLAUDE_CONFIG_DIR",
            "CLAUDE_CODE_OAUTH_TOKEN",
            "AWS_*",
            "GOOGLE_APPLICATION_CREDENTIALS",
            "HTTP_PROXY",
            "HTTPS_PROXY",
            "ALL_PROXY",
            "NO_PROXY",
            "NODE_EXTRA_CA_CERTS",
            "SSL_CERT_FILE",
            "SSL_CERT_DIR",
            // hooks through which the tools claude runs (git, java, python, editors, pagers) would run caller code
            "GIT_SSH",
            "GIT_SSH_COMMAND",
            "GIT_CONFIG*",
            "GIT_EXEC_PATH",
            "GIT_ASKPASS",
            "GIT_PROXY_COMMAND",
            "GIT_EXTERNAL_DIFF",
            "GIT_PAGER",
            "GIT_EDITOR",
            "GIT_SEQUENCE_EDITOR",
            "GIT_TEMPLATE_DIR",
            "JAVA_TOOL_OPTIONS",
            "_JAVA_OPTIONS",
            "JDK_JAVA_OPTIONS",
            "PYTHONSTARTUP",
            "PYTHONPATH",
            "PYTHONHOME",
            "PERL5OPT",
            "PERL5LIB",
            "PERLLIB",
            "RUBYOPT",
            "RUBYLIB",
            "GCONV_PATH",
            "EDITOR",
            "VISUAL",
            "PAGER",
            "MANPAGER",
            "LESSOPEN",
            "LESSCLOSE",
            "BROWSER",
            "SSH_ASKPASS",
            "SUDO_ASKPASS",
            "NPM_CONFIG_*",
            "IFS",
            // the Bun runtime the native claude is built on reads these as NODE_OPTIONS would be read
            "BUN_OPTIONS",
            "BUN_INSPECT*",
            "BUN_CONFIG_*");

    private final List<String> allow;

    public EnvPolicy(List<String> allow) {
        this.allow = List.copyOf(allow);
    }

    public List<String> allow() {
        return allow;
    }

    /** Whether a caller's variable of this name may reach the host process. */
    public boolean permits(String name) {
        return allow.stream().anyMatch(p -> matches(p, name, false))
                && NEVER.stream().noneMatch(p -> matches(p, name, true))
                && SESSION_BINDING.stream().noneMatch(p -> matches(p, name, true));
    }

    /** The daemon's own environment as host processes inherit it: without {@link #NOT_INHERITED}. */
    public static Map<String, String> inheritable(Map<String, String> daemonEnv) {
        Map<String, String> out = new TreeMap<>(daemonEnv);
        out.keySet().removeIf(EnvPolicy::notInherited);
        return out;
    }

    /** Whether a variable of the daemon's own environment is kept from host processes. */
    public static boolean notInherited(String name) {
        return NOT_INHERITED.stream().anyMatch(p -> matches(p, name, true));
    }

    /** The process environment: the daemon's own, overlaid with the caller's permitted variables. */
    public Map<String, String> processEnvironment(Map<String, String> daemonEnv, Map<String, String> callerEnv) {
        Map<String, String> out = new TreeMap<>(daemonEnv);
        passed(callerEnv).forEach(out::put);
        return out;
    }

    /** The caller's variables that cross, in the caller's order. */
    public Map<String, String> passed(Map<String, String> callerEnv) {
        Map<String, String> out = new LinkedHashMap<>();
        callerEnv.forEach((k, v) -> {
            if (permits(k)) {
                out.put(k, v);
            }
        });
        return out;
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> out = new java.util.ArrayList<>(a);
        out.addAll(b);
        return List.copyOf(out);
    }

    private static boolean matches(String pattern, String name, boolean ignoreCase) {
        String p = ignoreCase ? pattern.toUpperCase(Locale.ROOT) : pattern;
        String n = ignoreCase ? name.toUpperCase(Locale.ROOT) : name;
        return p.endsWith("*") ? n.startsWith(p.substring(0, p.length() - 1)) : n.equals(p);
    }
}
