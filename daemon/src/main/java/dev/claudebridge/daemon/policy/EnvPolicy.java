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
    /** The default allow-list: terminal, locale and colour settings. A trailing {@code *} is a prefix. */
    public static final List<String> DEFAULT_ALLOW = List.of("TERM", "COLORTERM", "LANG", "LC_*", "TZ", "NO_COLOR", "FORCE_COLOR");

    /** Never passed on, allow-list or not (compared without case; a trailing {@code *} is a prefix). */
    public static final List<String> NEVER = List.of(
            "LD_*", "DYLD_*", "NODE_OPTIONS", "NODE_PATH", "PATH", "HOME", "SHELL", "BASH_ENV", "ENV", "PROMPT_COMMAND",
            "ANTHROPIC_*", "CLAUDE_CONFIG_DIR", "CLAUDE_CODE_OAUTH_TOKEN", "AWS_*", "GOOGLE_APPLICATION_CREDENTIALS",
            "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY", "NODE_EXTRA_CA_CERTS", "SSL_CERT_FILE", "SSL_CERT_DIR",
            // hooks through which the tools claude runs (git, java, python, editors, pagers) would run caller code
            "GIT_SSH", "GIT_SSH_COMMAND", "GIT_CONFIG*", "GIT_EXEC_PATH", "GIT_ASKPASS", "GIT_PROXY_COMMAND", "GIT_EXTERNAL_DIFF",
            "GIT_PAGER", "GIT_EDITOR", "GIT_SEQUENCE_EDITOR", "GIT_TEMPLATE_DIR", "JAVA_TOOL_OPTIONS", "_JAVA_OPTIONS",
            "JDK_JAVA_OPTIONS", "PYTHONSTARTUP", "PYTHONPATH", "PYTHONHOME", "PERL5OPT", "PERL5LIB", "PERLLIB", "RUBYOPT",
            "RUBYLIB", "GCONV_PATH", "EDITOR", "VISUAL", "PAGER", "MANPAGER", "LESSOPEN", "LESSCLOSE", "BROWSER",
            "SSH_ASKPASS", "SUDO_ASKPASS", "NPM_CONFIG_*", "IFS");

    private final List<String> allow;

    public EnvPolicy(List<String> allow) {
        this.allow = List.copyOf(allow);
    }

    public List<String> allow() {
        return allow;
    }

    /** Whether a caller's variable of this name may reach the host process. */
    public boolean permits(String name) {
        return allow.stream().anyMatch(p -> matches(p, name, false)) && NEVER.stream().noneMatch(p -> matches(p, name, true));
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

    private static boolean matches(String pattern, String name, boolean ignoreCase) {
        String p = ignoreCase ? pattern.toUpperCase(Locale.ROOT) : pattern;
        String n = ignoreCase ? name.toUpperCase(Locale.ROOT) : name;
        return p.endsWith("*") ? n.startsWith(p.substring(0, p.length() - 1)) : n.equals(p);
    }
}
