package dev.claudebridge.daemon.policy;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.util.Map;
import java.util.Set;

/**
 * The JSON a caller passes in {@code --settings}, {@code --mcp-config} and {@code --agents}, parsed with
 * a real JSON parser and checked key by key against allow-lists. Settings may only narrow or choose
 * (model, permissions whose rules are checked like {@code --allowedTools}, the Agent SDK's sandbox
 * settings); MCP configurations may only name the Agent SDK's in-process servers ({@code type: sdk}) and
 * remote servers (http, sse) at hosts the profile lists;
 * agents may only carry a prompt, tools and a model. Everything else (env, hooks, apiKeyHelper,
 * statusLine, plugins, stdio servers, ...) is refused: it sets the host's environment or runs commands on
 * the host.
 */
final class JsonArguments {
    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .disable(JsonParser.Feature.ALLOW_COMMENTS)
            .build();

    /** Settings keys a caller may pass, and what each may hold. */
    private static final Set<String> SETTINGS_KEYS = Set.of(
            "permissions",
            "sandbox",
            "model",
            "includeCoAuthoredBy",
            "alwaysThinkingEnabled",
            "outputStyle",
            "disableAllHooks",
            "spinnerTipsEnabled",
            "language");

    private static final Set<String> PERMISSIONS_KEYS =
            Set.of("allow", "deny", "ask", "defaultMode", "disableBypassPermissionsMode");
    private static final Set<String> SANDBOX_KEYS = Set.of(
            "enabled",
            "failIfUnavailable",
            "autoAllowBashIfSandboxed",
            "allowUnsandboxedCommands",
            "network",
            "filesystem",
            "excludedCommands",
            "ignoreViolations",
            "enableWeakerNestedSandbox");
    private static final Set<String> SANDBOX_FILESYSTEM_KEYS = Set.of("denyRead", "denyWrite");
    /** What a remote MCP server may say: where it is, and what claude sends it (no command, no helper). */
    private static final Set<String> REMOTE_MCP_KEYS = Set.of("type", "url", "headers", "timeout", "alwaysLoad");

    private static final Set<String> AGENT_KEYS = Set.of(
            "description",
            "prompt",
            "tools",
            "disallowedTools",
            "model",
            "effort",
            "maxTurns",
            "color",
            "permissionMode");

    /** What a check needs from the policy: to require an opt-in, or to refuse. */
    interface Gate {
        /** Passes when the profile allows {@code rule}; refuses naming it otherwise. */
        void require(String rule, String why, String where);

        /** Refuses; {@code rule} is for the audit log. */
        Denial refuse(String rule, String message);

        /** Checks a permission mode as {@code --permission-mode} would. */
        void permissionMode(String mode, String where);

        /** Passes when the profile lists the host of a remote MCP server's URL; refuses otherwise. */
        void remoteMcpServer(String type, String url, String where);
    }

    private JsonArguments() {}

    /** claude's own test for inline settings JSON: trimmed, it starts with '{' and ends with '}'. */
    static boolean inline(String value) {
        String t = value.strip();
        return t.startsWith("{") && t.endsWith("}");
    }

    /** A value claude would read as a file path although it looks like JSON: never passed on. */
    static boolean looksLikeJson(String value) {
        String t = value.strip();
        return t.startsWith("{") || t.startsWith("[");
    }

    static JsonNode parseObject(String text, String option, Gate gate) {
        try {
            JsonNode n = JSON.readTree(text);
            if (n == null || !n.isObject()) {
                throw gate.refuse(
                        option, "the value of " + option + " is JSON but not an object; claude needs a JSON object");
            }
            return n;
        } catch (JsonProcessingException e) {
            throw gate.refuse(
                    option,
                    "the value of " + option + " is not valid JSON (" + e.getOriginalMessage()
                            + "); the bridge passes only JSON it has read and checked");
        }
    }

    static void settings(JsonNode s, String option, Gate gate) {
        for (Map.Entry<String, JsonNode> e : s.properties()) {
            String key = e.getKey();
            JsonNode v = e.getValue();
            if (!SETTINGS_KEYS.contains(key)) {
                throw gate.refuse(
                        option + ":" + key,
                        "the settings key '" + key + "' in " + option + " is not allowed through the bridge:"
                                + " a caller's settings may only hold " + new java.util.TreeSet<>(SETTINGS_KEYS)
                                + " (keys such as env, hooks and"
                                + " apiKeyHelper would set the host's environment or run commands on it). This cannot be allowed by configuration;"
                                + " put such settings in the host's own settings files.");
            }
            switch (key) {
                case "permissions" -> permissions(v, option, gate);
                case "sandbox" -> sandbox(v, option, gate);
                case "disableAllHooks" -> {
                    if (!v.isBoolean() || !v.booleanValue()) {
                        throw gate.refuse(
                                option + ":disableAllHooks", "disableAllHooks in " + option + " may only be true");
                    }
                }
                default -> {
                    if (!v.isValueNode()) {
                        throw gate.refuse(
                                option + ":" + key,
                                "the settings key '" + key + "' in " + option + " must be a plain value");
                    }
                }
            }
        }
    }

    private static void permissions(JsonNode p, String option, Gate gate) {
        String where = "permissions in " + option;
        requireObject(p, where, option, gate);
        for (Map.Entry<String, JsonNode> e : p.properties()) {
            String key = e.getKey();
            if (!PERMISSIONS_KEYS.contains(key)) {
                throw gate.refuse(
                        option + ":permissions." + key,
                        "permissions." + key + " in " + option + " is not allowed through the bridge" + " (only "
                                + new java.util.TreeSet<>(PERMISSIONS_KEYS)
                                + "; additional directories are --add-dir, which the bridge maps). This cannot be allowed by configuration.");
            }
            JsonNode v = e.getValue();
            switch (key) {
                case "allow" -> {
                    for (JsonNode rule : array(v, "permissions.allow in " + option, option, gate)) {
                        if (!rule.isTextual()) {
                            throw gate.refuse(option, "permissions.allow in " + option + " must hold strings");
                        }
                        for (ToolRules.Rule r : ToolRules.split(rule.textValue())) {
                            for (ToolRules.Need n : ToolRules.needs(r)) {
                                gate.require(
                                        n.rule(),
                                        n.why(),
                                        "the rule " + r.text() + " in permissions.allow of " + option);
                            }
                        }
                    }
                }
                case "deny", "ask" -> array(v, "permissions." + key + " in " + option, option, gate);
                case "defaultMode" -> gate.permissionMode(v.asText(), "permissions.defaultMode in " + option);
                default -> {
                    if (!"disable".equals(v.asText())) {
                        throw gate.refuse(
                                option,
                                "permissions.disableBypassPermissionsMode in " + option + " may only be \"disable\"");
                    }
                }
            }
        }
    }

    private static void sandbox(JsonNode s, String option, Gate gate) {
        requireObject(s, "sandbox in " + option, option, gate);
        for (Map.Entry<String, JsonNode> e : s.properties()) {
            String key = e.getKey();
            if (!SANDBOX_KEYS.contains(key)) {
                throw gate.refuse(
                        option + ":sandbox." + key,
                        "sandbox." + key + " in " + option + " is not allowed through the bridge (only "
                                + new java.util.TreeSet<>(SANDBOX_KEYS)
                                + "). This cannot be allowed by configuration.");
            }
            if (key.equals("autoAllowBashIfSandboxed") && e.getValue().asBoolean(false)) {
                gate.require(
                        "--allowedTools=Bash",
                        "it lets claude run commands on the host without asking (a sandbox still lets them read"
                                + " the host's files)",
                        "sandbox.autoAllowBashIfSandboxed in " + option);
            }
            if (key.equals("filesystem")) {
                requireObject(e.getValue(), "sandbox.filesystem in " + option, option, gate);
                for (Map.Entry<String, JsonNode> f : e.getValue().properties()) {
                    if (!SANDBOX_FILESYSTEM_KEYS.contains(f.getKey())) {
                        throw gate.refuse(
                                option + ":sandbox.filesystem." + f.getKey(),
                                "sandbox.filesystem." + f.getKey() + " in " + option
                                        + " is not allowed through the bridge: a caller may only deny (denyRead, denyWrite). This cannot be allowed by configuration.");
                    }
                }
            }
        }
    }

    static void mcpConfig(JsonNode c, String option, Gate gate) {
        for (Map.Entry<String, JsonNode> e : c.properties()) {
            if (!e.getKey().equals("mcpServers")) {
                throw gate.refuse(
                        option + ":" + e.getKey(),
                        "the key '" + e.getKey() + "' in " + option
                                + " is not allowed (only mcpServers). This cannot be allowed by configuration.");
            }
            requireObject(e.getValue(), "mcpServers in " + option, option, gate);
            for (Map.Entry<String, JsonNode> server : e.getValue().properties()) {
                JsonNode s = server.getValue();
                requireObject(s, "the MCP server '" + server.getKey() + "' in " + option, option, gate);
                String type = s.path("type").asText(s.has("command") ? "stdio" : "");
                String where = "the MCP server '" + server.getKey() + "' in " + option;
                switch (type) {
                    case "sdk" -> onlyKeys(s, Set.of("type", "name"), where, option + ":sdk", gate);
                    case "http", "sse" -> {
                        onlyKeys(s, REMOTE_MCP_KEYS, where, option + ":" + type, gate);
                        if (s.toString().contains("${")) {
                            // claude fills ${NAME} from its own environment: the host's, sent to the server
                            throw gate.refuse(
                                    option + ":" + type,
                                    where + " holds ${...}, which claude would fill from the host's environment;"
                                            + " the bridge refuses it.");
                        }
                        gate.remoteMcpServer(type, s.path("url").asText(""), where);
                    }
                    default ->
                        throw gate.refuse(
                                option + ":" + (type.isEmpty() ? "untyped" : type),
                                where + " is of type '" + (type.isEmpty() ? "(none)" : type)
                                        + "', which is not allowed through the bridge: only the Agent"
                                        + " SDK's in-process servers (type: sdk) and remote ones (http, sse) at hosts a"
                                        + " profile lists are; "
                                        + (type.equals("stdio") ? "a stdio server is a command run on the host. " : "")
                                        + "This cannot be allowed by configuration; configure"
                                        + " MCP servers on the host instead.");
                }
            }
        }
    }

    private static void onlyKeys(JsonNode server, Set<String> keys, String where, String rule, Gate gate) {
        for (Map.Entry<String, JsonNode> f : server.properties()) {
            if (!keys.contains(f.getKey())) {
                throw gate.refuse(
                        rule + "." + f.getKey(),
                        where + " may only have " + new java.util.TreeSet<>(keys) + ", not " + f.getKey());
            }
        }
    }

    static void agents(JsonNode a, String option, Gate gate) {
        for (Map.Entry<String, JsonNode> agent : a.properties()) {
            requireObject(agent.getValue(), "the agent '" + agent.getKey() + "' in " + option, option, gate);
            for (Map.Entry<String, JsonNode> f : agent.getValue().properties()) {
                if (!AGENT_KEYS.contains(f.getKey())) {
                    throw gate.refuse(
                            option + ":" + f.getKey(),
                            "the agent '" + agent.getKey() + "' in " + option + " has the key '"
                                    + f.getKey() + "', which is not allowed through the bridge (only "
                                    + new java.util.TreeSet<>(AGENT_KEYS) + "). This cannot be"
                                    + " allowed by configuration.");
                }
                if (f.getKey().equals("permissionMode")) {
                    gate.permissionMode(f.getValue().asText(), "the agent '" + agent.getKey() + "' in " + option);
                }
            }
        }
    }

    private static void requireObject(JsonNode n, String where, String option, Gate gate) {
        if (!n.isObject()) {
            throw gate.refuse(option, where + " must be a JSON object");
        }
    }

    private static JsonNode array(JsonNode n, String where, String option, Gate gate) {
        if (!n.isArray()) {
            throw gate.refuse(option, where + " must be a JSON array");
        }
        return n;
    }

    static String write(JsonNode n) {
        try {
            return JSON.writeValueAsString(n);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
