package dev.claudebridge.daemon.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class EnvPolicyTest {
    private static final EnvPolicy DEFAULT = new EnvPolicy(EnvPolicy.DEFAULT_ALLOW);

    /** Names that would let a container run code on the host or redirect its credentials. */
    private static final List<String> DANGEROUS = List.of(
            "LD_PRELOAD",
            "LD_LIBRARY_PATH",
            "LD_AUDIT",
            "NODE_OPTIONS",
            "NODE_PATH",
            "PATH",
            "HOME",
            "ANTHROPIC_BASE_URL",
            "ANTHROPIC_API_KEY",
            "ANTHROPIC_AUTH_TOKEN",
            "CLAUDE_CONFIG_DIR",
            "CLAUDE_CODE_OAUTH_TOKEN",
            "HTTP_PROXY",
            "https_proxy",
            "http_proxy",
            "HTTPS_PROXY",
            "BASH_ENV",
            "SHELL",
            "NODE_EXTRA_CA_CERTS",
            "AWS_SECRET_ACCESS_KEY");

    @ParameterizedTest
    @ValueSource(
            strings = {"TERM", "COLORTERM", "LANG", "LC_ALL", "LC_CTYPE", "LC_MESSAGES", "TZ", "NO_COLOR", "FORCE_COLOR"
            })
    void theDefaultAllowListPassesTerminalLocaleAndColour(String name) {
        assertThat(DEFAULT.permits(name)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "FOO",
                "GITHUB_TOKEN",
                "OPENAI_API_KEY",
                "USER",
                "term",
                "lang",
                "TERMINFO",
                "LANGUAGE",
                "TZDIR",
                "LC",
                "XLC_ALL",
                "NO_COLOR_X"
            })
    void theDefaultAllowListDropsEverythingElse(String name) {
        assertThat(DEFAULT.permits(name)).isFalse();
    }

    @Test
    void theNeverListWinsOverAnExplicitAllow() {
        EnvPolicy explicit = new EnvPolicy(DANGEROUS);
        assertThat(DANGEROUS)
                .allSatisfy(name -> assertThat(explicit.permits(name)).as(name).isFalse());
    }

    @Test
    void theNeverListWinsOverWildcards() {
        EnvPolicy wild = new EnvPolicy(List.of("*", "LD_*", "ANTHROPIC_*", "HTTP*", "https*", "NODE_*", "CLAUDE_*"));
        assertThat(DANGEROUS)
                .allSatisfy(name -> assertThat(wild.permits(name)).as(name).isFalse());
        assertThat(wild.permits("FOO")).as("the wildcard itself works").isTrue();
    }

    @Test
    void theNeverListCoversOtherCodeExecutionHooks() {
        EnvPolicy star = new EnvPolicy(List.of("*"));
        assertThat(List.of(
                        "GIT_SSH_COMMAND",
                        "GIT_CONFIG_PARAMETERS",
                        "GIT_EXTERNAL_DIFF",
                        "JAVA_TOOL_OPTIONS",
                        "_JAVA_OPTIONS",
                        "PYTHONSTARTUP",
                        "PYTHONPATH",
                        "PERL5OPT",
                        "RUBYOPT",
                        "GCONV_PATH",
                        "EDITOR",
                        "VISUAL"))
                .allSatisfy(name -> assertThat(star.permits(name)).as(name).isFalse());
    }

    @Test
    void aWildcardIsAPrefixMatch() {
        EnvPolicy p = new EnvPolicy(List.of("MY_APP_*"));
        assertThat(p.permits("MY_APP_")).isTrue();
        assertThat(p.permits("MY_APP_LEVEL")).isTrue();
        assertThat(p.permits("MY_APPLE")).isFalse();
        assertThat(p.permits("XMY_APP_LEVEL")).isFalse();
    }

    @Test
    void passedKeepsOnlyPermittedNamesInTheCallersOrder() {
        Map<String, String> caller = new LinkedHashMap<>();
        caller.put("TZ", "UTC");
        caller.put("GITHUB_TOKEN", "ghp_secret");
        caller.put("LANG", "C.UTF-8");
        caller.put("LD_PRELOAD", "/tmp/evil.so");
        caller.put("TERM", "xterm-256color");
        assertThat(DEFAULT.passed(caller))
                .containsExactly(
                        Map.entry("TZ", "UTC"), Map.entry("LANG", "C.UTF-8"), Map.entry("TERM", "xterm-256color"));
    }

    @Test
    void processEnvironmentKeepsTheDaemonsOwnAndOverlaysPermittedCallerValues() {
        Map<String, String> daemon = Map.of(
                "PATH", "/usr/local/bin:/usr/bin",
                "HOME", "/home/host-user",
                "ANTHROPIC_API_KEY", "sk-ant-host-key",
                "LANG", "en_US.UTF-8",
                "USER", "host-user");
        Map<String, String> caller = new LinkedHashMap<>();
        caller.put("LANG", "de_DE.UTF-8");
        caller.put("TERM", "xterm-256color");
        caller.put("PATH", "/tmp/evil");
        caller.put("HOME", "/tmp/evil-home");
        caller.put("ANTHROPIC_API_KEY", "sk-ant-attacker");
        caller.put("ANTHROPIC_BASE_URL", "http://attacker.example");
        caller.put("NODE_OPTIONS", "--require /tmp/evil.js");
        caller.put("GITHUB_TOKEN", "ghp_container");

        Map<String, String> env = DEFAULT.processEnvironment(daemon, caller);

        assertThat(env)
                .containsExactlyInAnyOrderEntriesOf(Map.of(
                        "PATH", "/usr/local/bin:/usr/bin",
                        "HOME", "/home/host-user",
                        "ANTHROPIC_API_KEY", "sk-ant-host-key",
                        "LANG", "de_DE.UTF-8",
                        "USER", "host-user",
                        "TERM", "xterm-256color"));
    }

    @Test
    void processEnvironmentNeverAddsADeniedCallerValueEvenUnderAStarPolicy() {
        EnvPolicy star = new EnvPolicy(List.of("*"));
        Map<String, String> caller = new LinkedHashMap<>();
        DANGEROUS.forEach(n -> caller.put(n, "from-container"));
        caller.put("FOO", "bar");
        Map<String, String> env = star.processEnvironment(Map.of("USER", "host-user"), caller);
        assertThat(env).containsExactlyInAnyOrderEntriesOf(Map.of("USER", "host-user", "FOO", "bar"));
    }

    @Test
    void theInputsAreNotModified() {
        Map<String, String> daemon = new LinkedHashMap<>(Map.of("LANG", "C"));
        Map<String, String> caller = new LinkedHashMap<>(Map.of("LANG", "de_DE.UTF-8", "FOO", "x"));
        DEFAULT.processEnvironment(daemon, caller);
        assertThat(daemon).containsExactly(Map.entry("LANG", "C"));
        assertThat(caller).hasSize(2);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "CLAUDE_CODE_ENTRYPOINT",
                "CLAUDE_AGENT_SDK_VERSION",
                "CLAUDE_CODE_ENABLE_SDK_FILE_CHECKPOINTING",
                "CLAUDE_CODE_SDK_READS_SESSION_STATE",
                "TRACEPARENT",
                "TRACESTATE",
                "API_TIMEOUT_MS",
                "CLAUDE_CODE_MAX_RETRIES",
                "MCP_TIMEOUT",
                "MCP_TOOL_TIMEOUT",
                "MAX_MCP_OUTPUT_TOKENS",
                "BUN_ENABLE_CRASH_REPORTING"
            })
    void theDefaultAllowListPassesWhatTheAgentSdksAndUsersSetToDescribeOrTuneACall(String name) {
        assertThat(DEFAULT.permits(name)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "CLAUDECODE",
                "CLAUDE_CODE_SSE_PORT",
                "CLAUDE_CODE_CHILD_SESSION",
                "CLAUDE_CODE_SESSION_ID",
                "CLAUDE_CODE_SESSION_ACCESS_TOKEN",
                "CLAUDE_CODE_HOST_AUTH_ENV_VAR",
                "CLAUDE_CODE_PROVIDER_MANAGED_BY_HOST",
                "CLAUDE_CODE_SDK_HAS_OAUTH_REFRESH",
                "CLAUDE_CODE_REMOTE_SESSION_ID",
                "CLAUDE_BRIDGE_OAUTH_TOKEN",
                "CLAUDE_EFFORT",
                "AI_AGENT",
                "claudecode",
                "BUN_OPTIONS"
            })
    void variablesThatTieClaudeToAnotherSessionNeverCrossEvenWhenAllowed(String name) {
        EnvPolicy wild = new EnvPolicy(List.of("*", name));
        assertThat(wild.permits(name)).isFalse();
    }

    @Test
    void theDaemonsOwnParentSessionIsNotInherited() {
        Map<String, String> daemon = new LinkedHashMap<>();
        daemon.put("PATH", "/usr/bin");
        daemon.put("HOME", "/home/u");
        daemon.put("ANTHROPIC_API_KEY", "sk-host");
        daemon.put("API_TIMEOUT_MS", "600000"); // the operator's own tuning stays
        for (String name : List.of(
                "CLAUDECODE",
                "CLAUDE_CODE_SSE_PORT",
                "CLAUDE_CODE_CHILD_SESSION",
                "CLAUDE_CODE_SESSION_ID",
                "CLAUDE_CODE_ENTRYPOINT",
                "CLAUDE_CODE_EXECPATH",
                "CLAUDE_EFFORT",
                "AI_AGENT",
                "TRACEPARENT",
                "CLAUDE_CODE_HOST_AUTH_ENV_VAR",
                "CLAUDE_CODE_PROVIDER_MANAGED_BY_HOST",
                "CLAUDE_AGENT_SDK_VERSION")) {
            daemon.put(name, "1");
        }
        assertThat(EnvPolicy.inheritable(daemon))
                .containsOnlyKeys("PATH", "HOME", "ANTHROPIC_API_KEY", "API_TIMEOUT_MS");
    }

    @Test
    void theCallersEntryPointCrossesAndTheDaemonsDoesNot() {
        Map<String, String> caller = Map.of("CLAUDE_CODE_ENTRYPOINT", "sdk-ts", "CLAUDECODE", "1", "TERM", "xterm");
        Map<String, String> env = DEFAULT.processEnvironment(
                EnvPolicy.inheritable(
                        Map.of("CLAUDE_CODE_ENTRYPOINT", "sdk-cli", "CLAUDECODE", "1", "PATH", "/usr/bin")),
                caller);
        assertThat(env)
                .containsEntry("CLAUDE_CODE_ENTRYPOINT", "sdk-ts")
                .containsEntry("TERM", "xterm")
                .doesNotContainKey("CLAUDECODE");
    }
}
