package dev.claudebridge.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.claudebridge.protocol.Frame;
import dev.claudebridge.protocol.FrameType;
import dev.claudebridge.protocol.Hello;
import dev.claudebridge.protocol.Request;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Malformed and forbidden requests over the real socket, one daemon for all: each gets its own clear
 * error and exit status, leaves exactly one audit record with the right outcome (and rule), runs
 * nothing on the host unless it is allowed, and the daemon serves a normal request right after.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HostileInputTest {
    private Path dir;
    private Path ws;
    private Path marker;
    private Bridge bridge;
    private AuditLines audit;

    @BeforeAll
    void start() throws IOException {
        dir = Bridge.tempDir();
        ws = Files.createDirectories(dir.resolve("ws")).toRealPath();
        Files.createDirectories(dir.resolve("outside"));
        Files.createSymbolicLink(ws.resolve("escape"), dir.resolve("outside"));
        marker = dir.resolve("ran.log");
        Path config = Bridge.writeConfig(dir, "config.yaml", """
                claude: { path: %s }
                listeners: [ { socket: %s } ]
                profiles:
                  default:
                    mappings: ["%s=%s"]
                    env-allow: [MY_VAR, LD_PRELOAD, NODE_OPTIONS, PATH]
                    max-argv-bytes: 256KiB
                    max-env-vars: 300
                    max-env-bytes: 64KiB
                    rate: { per-minute: 0 }
                audit: { path: %s }
                """.formatted(
                        Bridge.policyClaude(dir), dir.resolve("b.sock"), ws, ws, dir.resolve("audit.log")));
        bridge = Bridge.startWithConfig(dir, Map.of("POLICY_MARKER", marker.toString()), config);
        audit = new AuditLines(dir.resolve("audit.log"));
        audit.awaitEnds(1); // the fixture's own probe connection, recorded as abandoned
    }

    @AfterAll
    void stop() {
        bridge.close();
    }

    /** One hostile input: how to send it, and what must come of it. */
    record Case(
            String name,
            Function<HostileInputTest, RawCall.Answer> send,
            int status,
            String says,
            String outcome,
            Optional<String> rule,
            boolean runs) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static Case refused(
            String name,
            Function<HostileInputTest, RawCall.Answer> send,
            int status,
            String says,
            String outcome,
            String rule) {
        return new Case(name, send, status, says, outcome, Optional.ofNullable(rule), false);
    }

    private static Case runs(String name, Function<HostileInputTest, RawCall.Answer> send, String says) {
        return new Case(name, send, 0, says, "exit", Optional.of(""), true);
    }

    private RawCall.Answer raw(boolean halfClose, byte[]... parts) {
        return RawCall.send(bridge.socket, halfClose, RawCall.concat(parts));
    }

    private RawCall.Answer request(List<String> argv, Map<String, String> env, String cwd) {
        return raw(false, RawCall.hello(), RawCall.request(new Request(argv, env, cwd, Optional.empty(), "hostile")));
    }

    private RawCall.Answer argv(String... argv) {
        return request(List.of(argv), Map.of(), ws.toString());
    }

    /** The real client, run in the mapped directory. */
    private RawCall.Answer client(String... args) {
        ProcessBuilder pb = bridge.client(ws, args);
        pb.environment().put("CLAUDE_BRIDGE_CLIENT_NAME", "hostile-client");
        Bridge.Result r = Bridge.run(pb, new byte[0]);
        return new RawCall.Answer(r.status(), r.stderr() + r.out());
    }

    private static Map<String, String> manyVars(int n) {
        Map<String, String> env = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            env.put("FLOOD_" + i, "x");
        }
        return env;
    }

    static Stream<Case> cases() {
        List<Case> c = new ArrayList<>(List.of(
                // framing and handshake
                refused(
                        "garbage before the handshake",
                        t -> t.raw(true, RawCall.utf8("GET / HTTP/1.1\r\nHost: x\r\n\r\n")),
                        76,
                        "did not start with a claude-bridge HELLO",
                        "protocol_mismatch",
                        null),
                refused(
                        "HELLO without the magic",
                        t -> t.raw(true, RawCall.frame(new Frame(FrameType.HELLO, RawCall.utf8("XBRIDGE\u0001x")))),
                        76,
                        "did not start with a claude-bridge HELLO",
                        "protocol_mismatch",
                        null),
                refused(
                        "wrong protocol version",
                        t -> t.raw(true, RawCall.frame(new Hello(99, "future-client/9").toFrame())),
                        76,
                        "speaks protocol version 99",
                        "protocol_mismatch",
                        null),
                refused(
                        "REQUEST before HELLO",
                        t -> t.raw(true, RawCall.request(new Request(List.of(), Map.of(), "/", Optional.empty(), ""))),
                        76,
                        "did not start with a claude-bridge HELLO",
                        "protocol_mismatch",
                        null),
                refused(
                        "oversize HELLO",
                        t -> t.raw(false, RawCall.header(FrameType.HELLO.code(), 1 << 20)),
                        76,
                        "limit is 4096",
                        "protocol_mismatch",
                        null),
                refused(
                        "truncated frame header",
                        t -> t.raw(true, new byte[] {(byte) FrameType.HELLO.code(), 0}),
                        76,
                        "stream ended",
                        "protocol_mismatch",
                        null),
                refused(
                        "oversize REQUEST frame",
                        t -> t.raw(false, RawCall.hello(), RawCall.header(FrameType.REQUEST.code(), 2L << 20)),
                        64,
                        "the limit is 1048576",
                        "bad_request",
                        null),
                refused(
                        "truncated REQUEST payload",
                        t -> t.raw(true, RawCall.hello(), RawCall.header(FrameType.REQUEST.code(), 100), new byte[10]),
                        64,
                        "stream ended inside",
                        "bad_request",
                        null),
                refused(
                        "unknown frame type as the request",
                        t -> t.raw(true, RawCall.hello(), RawCall.header(0x7e, 0)),
                        64,
                        "malformed request",
                        "bad_request",
                        null),
                refused(
                        "STDIN instead of a REQUEST",
                        t -> t.raw(true, RawCall.hello(), RawCall.frame(new Frame(FrameType.STDIN, new byte[3]))),
                        64,
                        "expected a REQUEST",
                        "bad_request",
                        null),
                refused(
                        "field longer than its frame",
                        t -> t.raw(
                                true,
                                RawCall.hello(),
                                RawCall.concat(
                                        RawCall.header(FrameType.REQUEST.code(), 5), new byte[] {1, 0, 0, 1, 0})),
                        64,
                        "more than its frame",
                        "bad_request",
                        null),
                refused(
                        "REQUEST without a working directory",
                        t -> t.raw(true, RawCall.hello(), RawCall.requestOf(RawCall.field(1, RawCall.utf8("-p")))),
                        64,
                        "no working directory",
                        "bad_request",
                        null),
                refused(
                        "argument that is not UTF-8",
                        t -> t.raw(
                                true,
                                RawCall.hello(),
                                RawCall.requestOf(
                                        RawCall.field(1, new byte[] {'a', (byte) 0xc3, '(', 'b'}),
                                        RawCall.field(3, RawCall.utf8(t.ws.toString())))),
                        64,
                        "UTF-8",
                        "bad_request",
                        null),
                refused(
                        "NUL byte in an argument",
                        t -> t.argv("-p", "innocent\0--dangerously-skip-permissions"),
                        64,
                        "NUL",
                        "bad_request",
                        null),
                refused(
                        "NUL byte in the working directory",
                        t -> t.request(List.of("-p"), Map.of(), t.ws + "\0/../etc"),
                        64,
                        "NUL",
                        "bad_request",
                        null),
                refused(
                        "NUL byte in a variable",
                        t -> t.request(List.of("-p"), Map.of("MY_VAR", "a\0b"), t.ws.toString()),
                        64,
                        "NUL",
                        "bad_request",
                        null),
                refused(
                        "environment entry without NAME=",
                        t -> t.raw(
                                true,
                                RawCall.hello(),
                                RawCall.requestOf(
                                        RawCall.field(2, RawCall.utf8("=oops")),
                                        RawCall.field(3, RawCall.utf8(t.ws.toString())))),
                        64,
                        "without NAME=",
                        "bad_request",
                        null),
                // size limits
                refused(
                        "a flood of environment variables",
                        t -> t.request(List.of("-p"), manyVars(301), t.ws.toString()),
                        64,
                        "301 environment variables",
                        "bad_request",
                        "max-env-vars"),
                refused(
                        "one huge variable",
                        t -> t.request(List.of("-p"), Map.of("MY_VAR", "v".repeat(70_000)), t.ws.toString()),
                        64,
                        "max-env-bytes",
                        "bad_request",
                        "max-env-bytes"),
                refused(
                        "too many arguments",
                        t -> t.request(Collections.nCopies(5000, "a"), Map.of(), t.ws.toString()),
                        64,
                        "5000 arguments",
                        "bad_request",
                        "max-args"),
                refused(
                        "a huge prompt",
                        t -> t.argv("-p", "p".repeat(300_000)),
                        64,
                        "max-argv-bytes",
                        "bad_request",
                        "max-argv-bytes"),
                refused(
                        "a huge working directory",
                        t -> t.request(List.of("-p"), Map.of(), t.ws + "/" + "d".repeat(5000)),
                        64,
                        "max-cwd-bytes",
                        "bad_request",
                        "max-cwd-bytes"),
                // working directory
                refused(
                        "relative working directory",
                        t -> t.request(List.of("-p"), Map.of(), "workspace"),
                        65,
                        "must be absolute",
                        "cwd_not_mapped",
                        null),
                refused(
                        "cwd climbing out with ..",
                        t -> t.request(List.of("-p"), Map.of(), t.ws + "/../../etc"),
                        65,
                        "not under any mapped path",
                        "cwd_not_mapped",
                        null),
                refused(
                        "cwd escaping through a symlink",
                        t -> t.request(List.of("-p"), Map.of(), t.ws + "/escape"),
                        65,
                        "through a symbolic link",
                        "cwd_not_mapped",
                        null),
                // path options
                refused(
                        "--add-dir outside",
                        t -> t.client("-p", "hi", "--add-dir", "/etc"),
                        78,
                        "outside the mapped paths",
                        "policy_denied",
                        "path-option"),
                refused(
                        "--add-dir relative escape",
                        t -> t.client("--add-dir", "../..", "-p", "hi"),
                        78,
                        "outside the mapped paths",
                        "policy_denied",
                        "path-option"),
                refused(
                        "--mcp-config=file outside",
                        t -> t.client("--mcp-config=/root/.claude.json", "-p", "hi"),
                        78,
                        "outside the mapped paths",
                        "policy_denied",
                        "path-option"),
                refused(
                        "--settings through a symlink",
                        t -> t.client("--settings", "escape/settings.json", "-p", "hi"),
                        78,
                        "through a symbolic link",
                        "policy_denied",
                        "path-option"),
                refused(
                        "--debug-file outside",
                        t -> t.client("--debug-file", "/tmp/evil.log", "-p", "hi"),
                        78,
                        "never allowed",
                        "policy_denied",
                        "--debug-file"),
                // denied arguments in every spelling claude accepts
                refused(
                        "--dangerously-skip-permissions",
                        t -> t.client("--dangerously-skip-permissions", "-p", "hi"),
                        78,
                        "allow-args: [\"--dangerously-skip-permissions\"]",
                        "policy_denied",
                        "--dangerously-skip-permissions"),
                refused(
                        "-p --dangerously-skip-permissions",
                        t -> t.client("-p", "--dangerously-skip-permissions"),
                        78,
                        "is not allowed",
                        "policy_denied",
                        "--dangerously-skip-permissions"),
                refused(
                        "-pc --dangerously-skip-permissions",
                        t -> t.client("-pc", "--dangerously-skip-permissions"),
                        78,
                        "is not allowed",
                        "policy_denied",
                        "--dangerously-skip-permissions"),
                refused(
                        "prompt then the flag",
                        t -> t.client("hello", "--dangerously-skip-permissions", "-p"),
                        78,
                        "is not allowed",
                        "policy_denied",
                        "--dangerously-skip-permissions"),
                refused(
                        "--allow-dangerously-skip-permissions",
                        t -> t.client("--allow-dangerously-skip-permissions", "-p", "hi"),
                        78,
                        "is not allowed",
                        "policy_denied",
                        "--allow-dangerously-skip-permissions"),
                refused(
                        "--permission-mode bypassPermissions",
                        t -> t.client("-p", "hi", "--permission-mode", "bypassPermissions"),
                        78,
                        "is not allowed",
                        "policy_denied",
                        "--permission-mode=bypassPermissions"),
                refused(
                        "--permission-mode=bypassPermissions",
                        t -> t.client("--permission-mode=bypassPermissions", "-p", "hi"),
                        78,
                        "is not allowed",
                        "policy_denied",
                        "--permission-mode=bypassPermissions"),
                refused(
                        "agents --dangerously-skip-permissions",
                        t -> t.client("agents", "--dangerously-skip-permissions"),
                        78,
                        "never allowed",
                        "policy_denied",
                        "agents"),
                refused(
                        "mcp add",
                        t -> t.client("mcp", "add", "evil", "--", "/bin/sh", "-c", "id"),
                        78,
                        "never allowed",
                        "policy_denied",
                        "mcp add"),
                refused(
                        "plugins i (alias)",
                        t -> t.client("plugins", "i", "evil@market"),
                        78,
                        "plugins run hooks",
                        "policy_denied",
                        "plugin"),
                refused(
                        "upgrade (alias of update)",
                        t -> t.client("upgrade"),
                        78,
                        "the host's Claude Code",
                        "policy_denied",
                        "update"),
                refused("auth login", t -> t.client("auth", "login"), 78, "login", "policy_denied", "auth login"),
                refused(
                        "config set (older claude)",
                        t -> t.client("config", "set", "-g", "theme", "dark"),
                        78,
                        "configuration",
                        "policy_denied",
                        "config"),
                // the same text as a prompt or a value is not denied
                runs(
                        "the flag after --",
                        t -> t.client("-p", "--", "--dangerously-skip-permissions"),
                        "arg=--dangerously-skip-permissions"),
                runs(
                        "the flag as a prompt's words",
                        t -> t.client("-p", "why --dangerously-skip-permissions?"),
                        "arg=why --dangerously-skip-permissions?"),
                runs(
                        "the flag as an option's value",
                        t -> t.client("--system-prompt", "--dangerously-skip-permissions", "-p", "hi"),
                        "arg=--dangerously-skip-permissions"),
                runs("update as a prompt", t -> t.client("-p", "hi", "update"), "arg=update"),
                runs(
                        "a path option inside the mapping is mapped",
                        t -> t.client("--add-dir", ".", "-p", "hi"),
                        "arg=" + "%WS%"),
                // environment injection: dropped silently, whatever the allow-list says
                runs(
                        "LD_PRELOAD, NODE_OPTIONS, PATH and ANTHROPIC_BASE_URL",
                        t -> t.request(
                                List.of("-p", "hi"),
                                Map.of(
                                        "LD_PRELOAD",
                                        "/tmp/evil.so",
                                        "NODE_OPTIONS",
                                        "--require /tmp/evil.js",
                                        "ANTHROPIC_BASE_URL",
                                        "http://evil.invalid",
                                        "BASH_ENV",
                                        "/tmp/evil.sh",
                                        "PATH",
                                        "/tmp/evil:/usr/bin",
                                        "MY_VAR",
                                        "passed"),
                                t.ws.toString()),
                        "env MY_VAR=passed")));
        return c.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void eachGetsItsErrorAnAuditRecordAndTheDaemonServesOn(Case c) throws IOException {
        int ends = audit.ends().size();
        long runs = runs();
        RawCall.Answer a = c.send().apply(this);
        assertThat(a.status())
                .as(c.name() + ": " + a.text() + "\n" + tail(bridge.log()))
                .isEqualTo(c.status());
        assertThat(a.text()).as(c.name()).contains(c.says().replace("%WS%", ws.toString()));
        JsonNode record = audit.awaitEnds(ends + 1).get(ends);
        assertThat(record.path("outcome").asText()).as(c.name() + ": " + record).isEqualTo(c.outcome());
        assertThat(record.path("decision").asText()).as(record.toString()).isEqualTo(c.runs() ? "allowed" : "denied");
        c.rule()
                .ifPresent(rule -> assertThat(record.path("rule").asText())
                        .as(record.toString())
                        .isEqualTo(rule));
        assertThat(runs()).as("runs of claude on the host").isEqualTo(runs + (c.runs() ? 1 : 0));
        if (c.runs()) {
            assertThat(audit.of(record.path("id").asText()))
                    .extracting(n -> n.path("event").asText())
                    .containsExactly("start", "end");
            if (c.name().startsWith("LD_PRELOAD")) {
                assertThat(a.text())
                        .contains(
                                "env LD_PRELOAD=<unset>",
                                "env NODE_OPTIONS=<unset>",
                                "env ANTHROPIC_BASE_URL=<unset>",
                                "env BASH_ENV=<unset>")
                        .doesNotContain("/tmp/evil");
                assertThat(record.path("env").toString())
                        .contains("MY_VAR")
                        .doesNotContain("LD_PRELOAD")
                        .doesNotContain("PATH");
            }
        }
        Bridge.Result next = Bridge.run(bridge.client(ws, "-p", "still-serving"), new byte[0]);
        assertThat(next.status()).as(next.toString()).isZero();
        assertThat(next.out()).contains("arg=still-serving");
        // the end record follows the caller's exit: wait for it, so the next case counts from a settled log
        audit.awaitEnds(ends + 2);
    }

    private static String tail(String log) {
        return log.length() > 3000 ? log.substring(log.length() - 3000) : log;
    }

    private long runs() throws IOException {
        return Files.exists(marker) ? Files.readAllLines(marker).size() : 0;
    }
}
