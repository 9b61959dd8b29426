package dev.claudebridge.daemon.session;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.claudebridge.daemon.policy.ArgumentPolicy;
import dev.claudebridge.daemon.policy.ArgvParser;
import dev.claudebridge.daemon.policy.Denial;
import dev.claudebridge.protocol.ErrorCode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The caller's stdin as claude reads it with {@code --input-format stream-json}: one JSON message per
 * line, among them control requests that change the running claude (MCP servers that run commands,
 * settings that move the API's address, files read on the host). Each line is checked before claude
 * sees it, closed by default like the arguments: the messages a conversation needs pass, the control
 * requests the Agent SDK sends pass when what they carry passes the profile's argument policy as the
 * matching option would ({@code --mcp-config}, {@code --agents}, {@code --permission-mode}), and
 * anything else ends the run as a refusal.
 */
final class ControlGate extends OutputStream {
    /** Longer lines are refused: a message with an image is a few MiB, and this bounds the buffer. */
    static final int MAX_LINE = 32 << 20;

    /** Message types claude reads besides control requests: the conversation and answers to claude's own requests. */
    static final Set<String> MESSAGES = Set.of("user", "control_response", "control_cancel_request", "keep_alive");

    /** Control requests that only steer the run in ways its arguments could (or only read its own state). */
    static final Set<String> PLAIN = Set.of(
            "interrupt",
            "set_model",
            "set_max_thinking_tokens",
            "mcp_status",
            "mcp_message",
            "mcp_toggle",
            "mcp_reconnect",
            "get_context_usage",
            "get_usage",
            "stop_task",
            "get_task_output");

    /** Fields of {@code initialize} that reach past the run's arguments: allowed only empty. */
    static final List<String> INITIALIZE_EMPTY =
            List.of("settings", "managedSettings", "plugins", "additionalDirectories");

    private final OutputStream process;
    private final ArgumentPolicy policy;
    private final String cwd;
    private final Consumer<Denial> refused;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();
    private boolean closedByRefusal;

    /**
     * @param policy the caller's profile's argument policy, which decides what a request carries
     * @param cwd the caller's working directory, for path values
     * @param refused told of the first refused line (the session ends the run); nothing after it reaches claude
     */
    ControlGate(OutputStream process, ArgumentPolicy policy, String cwd, Consumer<Denial> refused) {
        this.process = process;
        this.policy = policy;
        this.cwd = cwd;
        this.refused = refused;
    }

    /** Whether claude reads this argv's stdin as stream-json, as claude's own parser reads the argv. */
    static boolean applies(List<String> argv) {
        return ArgvParser.parse(argv).options().stream()
                .anyMatch(u -> u.name().equals("--input-format")
                        && u.values().stream().anyMatch(v -> v.text().equals("stream-json")));
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        if (closedByRefusal) {
            throw new IOException("stdin closed: a line was refused");
        }
        int start = off;
        for (int i = off; i < off + len; i++) {
            if (b[i] == '\n') {
                line.write(b, start, i - start);
                pass();
                start = i + 1;
            }
        }
        line.write(b, start, off + len - start);
        if (line.size() > MAX_LINE) {
            refuse(new Denial(
                    ErrorCode.POLICY_DENIED,
                    "stdin:line-size",
                    "a stream-json line on stdin is longer than " + (MAX_LINE >> 20) + " MiB"));
        }
    }

    @Override
    public void flush() throws IOException {
        process.flush();
    }

    @Override
    public void close() throws IOException {
        if (line.size() > 0 && !closedByRefusal) {
            pass(); // a last line without its newline is read by claude all the same
        }
        process.close();
    }

    private void pass() throws IOException {
        byte[] bytes = line.toByteArray();
        line.reset();
        try {
            check(bytes);
        } catch (Denial d) {
            refuse(d);
        }
        process.write(bytes);
        process.write('\n');
    }

    private void refuse(Denial d) throws IOException {
        closedByRefusal = true;
        refused.accept(d);
        throw new IOException(d.getMessage());
    }

    private void check(byte[] bytes) {
        if (new String(bytes, java.nio.charset.StandardCharsets.UTF_8).isBlank()) {
            return; // claude skips empty lines
        }
        JsonNode m;
        try {
            m = DaemonSettings.JSON.readTree(bytes);
        } catch (IOException e) {
            throw deny("stdin:json", "a stdin line is not JSON: " + firstLine(e));
        }
        String type = m.path("type").asText("");
        if (MESSAGES.contains(type)) {
            return;
        }
        if (!type.equals("control_request")) {
            throw deny(
                    "stdin:" + type, "the stream-json message type '" + type + "' is not allowed through the bridge");
        }
        JsonNode r = m.path("request");
        String subtype = r.path("subtype").asText("");
        if (PLAIN.contains(subtype)) {
            return;
        }
        switch (subtype) {
            case "initialize" -> initialize(r);
            case "set_permission_mode" ->
                admit("--permission-mode", r.path("mode").asText(""));
            case "mcp_set_servers" -> admit("--mcp-config", servers(r.path("servers")));
            default ->
                throw deny(
                        "stdin:" + subtype,
                        "the control request '" + subtype + "' on stdin is not allowed through the bridge (it would"
                                + " change the host's claude beyond what the arguments may)");
        }
    }

    private void initialize(JsonNode r) {
        for (String f : INITIALIZE_EMPTY) {
            JsonNode v = r.path(f);
            if (!v.isMissingNode() && !v.isNull() && !v.isEmpty()) {
                throw deny("stdin:initialize." + f, "initialize." + f + " on stdin is not allowed through the bridge");
            }
        }
        if (r.path("mcpServers").isObject() && !r.path("mcpServers").isEmpty()) {
            admit("--mcp-config", servers(r.path("mcpServers")));
        }
        if (r.path("agents").isObject() && !r.path("agents").isEmpty()) {
            admit("--agents", r.path("agents").toString());
        }
    }

    /** What {@code --mcp-config} would say for these servers. */
    private static String servers(JsonNode servers) {
        ObjectNode c = DaemonSettings.JSON.createObjectNode();
        c.set("mcpServers", servers.isObject() ? servers : DaemonSettings.JSON.createObjectNode());
        return c.toString();
    }

    /** The profile's policy on the option that carries the same. */
    private void admit(String option, String value) {
        try {
            policy.admit(List.of("-p", option, value), cwd);
        } catch (Denial d) {
            throw new Denial(d.code(), "stdin:" + d.rule(), "on stdin: " + d.getMessage());
        }
    }

    private static Denial deny(String rule, String message) {
        return new Denial(ErrorCode.POLICY_DENIED, rule, message);
    }

    private static String firstLine(IOException e) {
        String s = e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
        return s == null ? e.toString() : s.lines().findFirst().orElse(s);
    }
}
