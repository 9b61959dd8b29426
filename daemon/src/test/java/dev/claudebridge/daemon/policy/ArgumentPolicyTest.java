package dev.claudebridge.daemon.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.claudebridge.daemon.config.PathMapping;
import dev.claudebridge.protocol.ErrorCode;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Closed by default: every way of asking for more than a plain run is refused, with the rule and whether a profile can allow it. */
class ArgumentPolicyTest {
    private static final OptionPaths PATHS = new OptionPaths(
            new PathMapper(List.of(new PathMapping(Path.of("/workspace"), Path.of("/tmp")))), "default");
    private static final ArgumentPolicy DEFAULT = new ArgumentPolicy("default", List.of(), List.of(), false, PATHS);

    private static List<String> argv(String spaced) {
        return Arrays.asList(spaced.split("\\|", -1));
    }

    private static Denial denied(ArgumentPolicy p, String args) {
        List<String> a = argv(args);
        Denial e = catchThrowableOfType(Denial.class, () -> p.check(a, ArgvParser.parse(a)));
        assertThat(e).as(args).isNotNull();
        assertThat(e.code()).isEqualTo(ErrorCode.POLICY_DENIED);
        return e;
    }

    /** Class never: refused whatever the profile says, and the message says so. */
    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(
            delimiter = ';',
            value = {
                "mcp|serve; mcp serve",
                "--|mcp|add-json|evil|{\"type\":\"stdio\",\"command\":\"sh\"}; mcp add-json",
                "--verbose|--|mcp|serve; mcp serve",
                "-pc|--|mcp|serve; mcp serve",
                "--model|x|--|plugin|install|x; plugin",
                "--|update; update",
                "--|auth|logout; auth logout",
                "agents; agents",
                "--debug|agents; agents",
                "attach|x; attach",
                "logs|x; logs",
                "stop|x; stop",
                "kill|x; kill",
                "--model|m|stop|abcdef12; stop",
                "--model|-p|stop|abcdef12; stop", // -p is the model here, so claude stops a background session
                "--verbose|respawn|--all; respawn",
                "daemon|start; daemon",
                "remote-control; remote-control",
                "bridge; bridge",
                "self-hosted-runner; self-hosted-runner",
                "-p|hi|--bg; --bg",
                "-p|--|--background; --background",
                "--model|--bg|-p|hi; --bg",
                "--routine=x; --routine=x",
                "--tmux|-w; --tmux",
                "-p|hi|--cloud; --cloud",
                "--teleport; --teleport",
                "--remote-control=x; --remote-control",
                "-p|hi|--plugin-url|https://x/p.zip; --plugin-url",
                "-p|hi|--debug-file|/workspace/d.log; --debug-file",
                "-p|hi|--managed-settings|{}; --managed-settings",
                "--input-format|stream-json|--output-format|stream-json|--await-initialize|--initialize-fields|settings; --initialize-fields",
                "--input-format|stream-json|--output-format|stream-json|--await-initialize|--managed-settings-in-initialize; --managed-settings-in-initialize",
                "-p|hi|--settings|{\"env\":{\"ANTHROPIC_BASE_URL\":\"http://c:8080\"}}; --settings:env",
                "-p|hi|--settings={\"hooks\":{}}; --settings:hooks",
                "-p|hi|--settings|{\"apiKeyHelper\":\"cat /x\"}; --settings:apiKeyHelper",
                "-p|hi|--settings|{\"permissions\":{\"additionalDirectories\":[\"/\"]}}; --settings:permissions.additionalDirectories",
                "-p|hi|--settings|[/../../../../etc/passwd; --settings",
                "-p|hi|--settings|{\"model\":\"x\"; --settings",
                "-p|hi|--settings|{not json}; --settings",
                "-p|hi|--mcp-config|{\"mcpServers\":{\"e\":{\"command\":\"sh\"}}}; --mcp-config:stdio",
                "-p|hi|--mcp-config|{\"mcpServers\":{\"e\":{\"type\":\"ws\",\"url\":\"ws://c\"}}}; --mcp-config:ws",
                "-p|hi|--system-prompt|--settings|{\"env\":{}}; --settings",
                "-p|hi|--unknown-option; --unknown-option",
                "-p|hi|--verbose=1; --verbose=1",
            })
    void neverAllowed(String args, String rule) {
        Denial e = denied(DEFAULT, args);
        assertThat(e.rule()).isEqualTo(rule);
        assertThat(e.getMessage())
                .containsAnyOf(
                        "No profile can allow",
                        "no profile can allow",
                        "This cannot be allowed by configuration",
                        "starts like JSON",
                        "is not valid JSON");
    }

    /** Class opt-in (or sandbox): refused by default, with the allow-args / allow-subcommands entry that allows it. */
    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(
            delimiter = ';',
            value = {
                "-p|hi|--allowedTools|Bash; --allowedTools=Bash",
                "-p|hi|--allowedTools=Bash(git log:*); --allowedTools=Bash",
                "-p|hi|--allowed-tools|Edit; --allowedTools=Edit",
                "-p|hi|--allowedTools|WebSearch Write(src/x); --allowedTools=Write",
                "-p|hi|--allowedTools|Read(//**); --allowedTools=outside-workspace",
                "-p|hi|--allowedTools|Read(~/.ssh/**); --allowedTools=outside-workspace",
                "-p|hi|--allowedTools|Read(src/../../x); --allowedTools=outside-workspace",
                "-p|hi|--allowedTools|Read; --allowedTools=outside-workspace",
                "-p|hi|--allowedTools|Grep,Read(/etc/**); --allowedTools=outside-workspace",
                "-p|hi|--allowedTools|Frobnicate; --allowedTools=Frobnicate",
                "-p|hi|--settings|{\"permissions\":{\"allow\":[\"Bash\"]}}; --allowedTools=Bash",
                "-p|hi|--settings|{\"permissions\":{\"allow\":[\"Read(//**)\"]}}; --allowedTools=outside-workspace",
                "-p|hi|--settings|{\"permissions\":{\"defaultMode\":\"acceptEdits\"}}; --permission-mode=acceptEdits",
                "-p|hi|--settings|{\"sandbox\":{\"enabled\":true,\"autoAllowBashIfSandboxed\":true}}; --allowedTools=Bash",
                "-p|hi|--permission-mode|acceptEdits; --permission-mode=acceptEdits",
                "-p|hi|--permission-mode=auto; --permission-mode=auto",
                "-p|hi|--permission-mode|bypassPermissions; --permission-mode=bypassPermissions",
                "-p|hi|--settings|{\"permissions\":{\"defaultMode\":\"bypassPermissions\"}}; --permission-mode=bypassPermissions",
                "-p|hi|--dangerously-skip-permissions; --dangerously-skip-permissions",
                "-p|--dangerously-skip-permissions; --dangerously-skip-permissions",
                "-d|--dangerously-skip-permissions; --dangerously-skip-permissions",
                "-p|hi|--agents|{}; --agents",
                "-p|hi|--betas|x; --betas",
                "-p|hi|--plugin-dir|/workspace/p; --plugin-dir",
                "auth|status; auth status",
                "mcp|list; mcp list",
            })
    void optIn(String args, String rule) {
        Denial e = denied(DEFAULT, args);
        assertThat(e.rule()).isEqualTo(rule);
        assertThat(e.getMessage())
                .contains("profile 'default'")
                .containsAnyOf("allow-args: [\"" + rule + "\"]", "allow-subcommands: [\"" + rule + "\"]");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = ';',
            value = {
                "-p|hi|--allowedTools|Bash; --allowedTools=Bash; ",
                "-p|hi|--allowedTools|Read(//**); --allowedTools=outside-workspace; ",
                "-p|hi|--permission-mode|acceptEdits; --permission-mode=acceptEdits; ",
                "-p|hi|--agents|{\"r\":{\"description\":\"d\",\"prompt\":\"p\"}}; --agents; ",
                "auth|status|--json; ; auth status",
                "mcp|list; ; mcp list",
            })
    void aProfileCanAllowEachOptIn(String args, String allowArg, String allowSub) {
        ArgumentPolicy p = new ArgumentPolicy(
                "ci",
                allowArg == null ? List.of() : List.of(allowArg),
                allowSub == null ? List.of() : List.of(allowSub),
                false,
                PATHS);
        List<String> a = argv(args);
        assertThatCode(() -> p.check(a, ArgvParser.parse(a))).doesNotThrowAnyException();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(
            strings = {
                "--dangerously-skip-permissions|-p|hi",
                "-p|hi|--permission-mode|bypassPermissions",
            })
    void bypassNeedsASandboxedProfile(String args) {
        List<String> allow = List.of("--dangerously-skip-permissions", "--permission-mode=bypassPermissions");
        assertThat(denied(new ArgumentPolicy("ci", allow, List.of(), false, PATHS), args)
                        .getMessage())
                .contains("sandboxed profile");
        List<String> a = argv(args);
        assertThatCode(() -> new ArgumentPolicy("ci", allow, List.of(), true, PATHS).check(a, ArgvParser.parse(a)))
                .doesNotThrowAnyException();
    }

    /** What a normal run, the Agent SDK and claude's own values-that-look-like-options need: passed. */
    @ParameterizedTest(name = "[{index}] {0}")
    @ValueSource(
            strings = {
                "-p|hello",
                "",
                "-v",
                "--version",
                "-h",
                "-p|--|--dangerously-skip-permissions",
                "-p|explain --bg to me",
                "--model|--dangerously-skip-permissions|-p|hi",
                "--append-system-prompt=--dangerously-skip-permissions|-p|hi",
                "-p|mcp|serve", // print mode: a prompt, not a subcommand
                "-p|stop", // a prompt: claude takes a verb behind options only in the form VERB ID
                "-p|--model|m|stop",
                "--model|m|-p|logs",
                "-p|--model|m|kill|abcdef12", // not behind -p
                "--model|m|--|-p|attach|abcdef12", // nor after --
                "-p|--|mcp|add-json|x|{}",
                "-p|--output-format|stream-json|--verbose|hi",
                "-p|--permission-mode|plan|hi",
                "-p|--permission-mode|dontAsk|hi",
                "-p|hi|--allowedTools|Read(src/**),Glob(**),Grep(src),WebFetch(domain:example.com),mcp__x__y",
                "-p|hi|--disallowedTools|Read(//**)|Bash",
                "-p|hi|--tools|Read,Grep",
                "-p|hi|--settings|{\"model\":\"sonnet\",\"permissions\":{\"allow\":[\"Read(src/**)\"],\"deny\":[\"Read(~/.ssh/**)\"]}}",
                "-p|hi|--settings|{\"sandbox\":{\"enabled\":true,\"failIfUnavailable\":true,\"network\":{\"allowedDomains\":[\"x\"]}}}",
                "-p|hi|--setting-sources|",
                "-p|hi|--setting-sources=user",
                "-p|hi|--setting-sources|project,local", // narrowed by the session engine, not refused here
                "--output-format|stream-json|--verbose|--input-format|stream-json|--include-partial-messages|--permission-prompt-tool|stdio"
                        + "|--mcp-config|{\"mcpServers\":{\"x\":{\"type\":\"sdk\",\"name\":\"x\"}}}|--setting-sources||--max-turns|3|--model|m"
                        + "|--permission-mode|default|--allowedTools|Read(**),mcp__x__tool",
                // the newest Agent SDK's argv when it sends MCP servers in its initialize request
                "--output-format|stream-json|--verbose|--input-format|stream-json|--model=m|--await-initialize",
                "--output-format|stream-json|--verbose|--input-format|stream-json|--thinking=adaptive|--effort|high|--max-budget-usd|1"
                        + "|--permission-prompt-tool=stdio|--continue|--resume|abc|--fork-session|--session-id|0b5c|--no-session-persistence",
            })
    void allowedByDefault(String args) {
        List<String> a = argv(args).equals(List.of("")) ? List.of() : argv(args);
        assertThatCode(() -> DEFAULT.check(a, ArgvParser.parse(a))).as(args).doesNotThrowAnyException();
    }

    /** Remote MCP servers: refused unless the profile lists their host in mcp-hosts, read strictly. */
    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(
            delimiter = ';',
            value = {
                "http|https://mcp.example.com/mcp; true",
                "sse|https://mcp.example.com:8443/sse; true",
                "http|https://a.b.corp.example/mcp; true",
                "http|HTTPS://MCP.Example.COM/x; true",
                "http|https://corp.example/mcp; false", // *.corp.example names the hosts under it, not itself
                "http|https://mcp.example.com.evil.example/; false",
                "http|https://evil.example/?mcp.example.com; false",
                "http|http://evil.example\\@mcp.example.com/; false", // claude's parser reads evil.example
                "http|https://user@mcp.example.com/; false",
                "http|https://%6dcp.example.com/; false",
                "http|https://mcp.example.com\t/; false",
                "http|file:///etc/passwd; false",
                "http|; false",
            })
    void remoteMcpServersNeedTheirHostListed(String typeAndUrl, boolean passes) {
        String[] t = typeAndUrl.split("\\|", 2);
        String url = t[1].replace("\\t", "\t");
        String json = "{\"mcpServers\":{\"r\":{\"type\":\"" + t[0] + "\",\"url\":"
                + JsonArguments.write(com.fasterxml.jackson.databind.node.TextNode.valueOf(url)) + "}}}";
        List<String> a = List.of("-p", "hi", "--mcp-config", json);
        ArgumentPolicy listing = new ArgumentPolicy(
                "ci", List.of(), List.of(), false, PATHS, List.of("mcp.example.com", "*.corp.example"));
        if (passes) {
            assertThatCode(() -> listing.check(a, ArgvParser.parse(a))).doesNotThrowAnyException();
        } else {
            Denial e = catchThrowableOfType(Denial.class, () -> listing.check(a, ArgvParser.parse(a)));
            assertThat(e).as(url).isNotNull();
            assertThat(e.rule()).isEqualTo("--mcp-config:" + t[0]);
        }
        Denial byDefault = catchThrowableOfType(Denial.class, () -> DEFAULT.check(a, ArgvParser.parse(a)));
        assertThat(byDefault).as("the default profile lists no host").isNotNull();
        if (passes) {
            assertThat(byDefault.getMessage())
                    .contains("mcp-hosts: [\"" + McpHosts.host(url).orElseThrow() + "\"]");
        }
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "{\"type\":\"http\",\"url\":\"https://mcp.example.com/\",\"headersHelper\":\"cat ~/.ssh/id_rsa\"}",
                "{\"type\":\"http\",\"url\":\"https://mcp.example.com/\",\"headers\":{\"x\":\"${ANTHROPIC_API_KEY}\"}}",
                "{\"type\":\"sse\",\"url\":\"https://mcp.example.com/${HOME}\"}",
                "{\"type\":\"stdio\",\"command\":\"sh\"}",
                "{\"command\":\"sh\",\"url\":\"https://mcp.example.com/\"}",
            })
    void aListedHostDoesNotOpenAnythingElse(String server) {
        List<String> a = List.of("-p", "hi", "--mcp-config", "{\"mcpServers\":{\"r\":" + server + "}}");
        ArgumentPolicy listing =
                new ArgumentPolicy("ci", List.of(), List.of(), false, PATHS, List.of("mcp.example.com"));
        assertThat(catchThrowableOfType(Denial.class, () -> listing.check(a, ArgvParser.parse(a))))
                .as(server)
                .isNotNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"--verbose", "--plugin-url", "--bg", "--dangerously"})
    void allowArgsNamesOnlyWhatAProfileCanAllow(String entry) {
        assertThat(catchThrowableOfType(IllegalArgumentException.class, () -> ClaudeArguments.VOCABULARY.option(entry)))
                .isNotNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"mcp serve", "doctor", "plugin install", "agents", "update"})
    void allowSubcommandsRefusesNeverSubcommands(String entry) {
        assertThat(catchThrowableOfType(
                        IllegalArgumentException.class, () -> ClaudeArguments.VOCABULARY.subcommand(entry)))
                .hasMessageContaining("can never be allowed");
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = ';',
            value = {
                "--permission-mode acceptEdits; --permission-mode=acceptEdits",
                "--agents; --agents",
                "--allowedTools=Bash; --allowedTools=Bash",
                "--dangerously-skip-permissions; --dangerously-skip-permissions"
            })
    void allowArgsEntriesAreCanonical(String entry, String canonical) {
        assertThat(ClaudeArguments.VOCABULARY.option(entry)).isEqualTo(canonical);
        assertThat(ClaudeArguments.VOCABULARY.subcommand("auth   status")).isEqualTo("auth status");
    }
}
