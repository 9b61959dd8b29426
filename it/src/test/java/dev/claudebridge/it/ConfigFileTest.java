package dev.claudebridge.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@code claude-bridge config check}, a daemon refusing a bad file, and flags over the file. */
class ConfigFileTest {
    private final Path dir = Bridge.tempDir();

    @AfterEach
    void clean() {
        Bridge.deleteTree(dir);
    }

    private Bridge.Result daemonCli(Map<String, String> env, String... args) {
        ProcessBuilder pb = new ProcessBuilder(Bridge.DAEMON.toString()).directory(dir.toFile());
        pb.command().addAll(List.of(args));
        pb.environment().putAll(env);
        return Bridge.run(pb, new byte[0]);
    }

    @Test
    void checkNamesEveryProblemWithItsLine() {
        Path bad = Bridge.writeConfig(dir, "bad.yaml", """
                listeners:
                  - socket: relative.sock
                profiles:
                  default:
                    allow-args: [--dangerously-skip-permission]
                    queue-timeout: forever
                audits: {}
                """);
        Bridge.Result r = daemonCli(Map.of(), "config", "check", bad.toString());
        assertThat(r.status()).as(r.toString()).isEqualTo(1);
        assertThat(r.stderr())
                .contains(bad + ":2: listeners[0].socket: expected an absolute path, got 'relative.sock'")
                .contains(
                        bad
                                + ":5: profiles.default.allow-args: '--dangerously-skip-permission' is not an argument a profile can allow")
                .contains(bad + ":6: profiles.default.queue-timeout: expected a duration")
                .contains(bad + ":7: audits: unknown key")
                .contains("4 problem(s)");
    }

    @Test
    void checkAcceptsAGoodFileAndSaysWhatItHolds() {
        Path good = Bridge.writeConfig(dir, "good.yaml", """
                listeners: [ { socket: /run/cb/agents.sock, mode: "0660", group: docker } ]
                profiles:
                  default: { mappings: ["/workspace=/srv/ws"] }
                  ci: { match: { uids: [1001] }, allow-args: [--enable-auto-mode] }
                """);
        Bridge.Result r = daemonCli(Map.of(), "config", "check", good.toString());
        assertThat(r.status()).as(r.toString()).isZero();
        assertThat(r.out())
                .contains(good + ": OK")
                .contains("listener /run/cb/agents.sock mode 0660 group docker profile default")
                .contains("profile ci: 0 mapping(s), match uids [1001]");
        Bridge.Result viaEnv = daemonCli(Map.of("CLAUDE_BRIDGE_CONFIG", good.toString()), "config", "check");
        assertThat(viaEnv.out()).contains(good + ": OK");
    }

    @Test
    void serveRefusesToStartWithABadFile() throws Exception {
        Path bad = Bridge.writeConfig(dir, "bad.yaml", "claude:\n  kill-grace: 5 seconds\n");
        Process p = new ProcessBuilder(
                        Bridge.DAEMON.toString(),
                        "serve",
                        "--config",
                        bad.toString(),
                        "--socket",
                        dir.resolve("b.sock").toString(),
                        "--admin-listen",
                        "off")
                .redirectErrorStream(true)
                .start();
        String out = new String(Bridge.readAll(p.getInputStream()));
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isEqualTo(2);
        assertThat(out).contains(bad + ":2: claude.kill-grace: expected a duration");
        assertThat(dir.resolve("b.sock")).doesNotExist();
    }

    @Test
    void flagsOverrideTheFile() throws IOException {
        Path ws = Files.createDirectories(dir.resolve("ws")).toRealPath();
        Path config = Bridge.writeConfig(
                dir, "config.yaml", """
                claude: { path: /nonexistent/claude }
                listeners: [ { socket: %s } ]
                profiles:
                  default:
                    mappings: ["/nowhere=/nowhere"]
                    allow-args: [--enable-auto-mode]
                    rate: { per-minute: 0 }
                audit: { path: %s }
                """.formatted(dir.resolve("file.sock"), dir.resolve("file-audit.log")));
        // --socket, --claude, --map and --audit-log win; the file's allow-args still apply
        try (Bridge bridge = Bridge.start(
                dir,
                Map.of(),
                List.of(
                        "--config",
                        config.toString(),
                        "--claude",
                        Bridge.policyClaude(dir).toString(),
                        "--map",
                        ws + "=" + ws,
                        "--audit-log",
                        dir.resolve("flag-audit.log").toString(),
                        "--admin-listen",
                        "off"))) {
            Bridge.Result r = Bridge.run(bridge.client(ws, "--enable-auto-mode", "-p", "hi"), new byte[0]);
            assertThat(r.status()).as(r.toString()).isZero();
            assertThat(r.out()).contains("cwd=" + ws);
            assertThat(dir.resolve("file.sock")).doesNotExist();
            new AuditLines(dir.resolve("flag-audit.log")).awaitEnds(2);
            assertThat(dir.resolve("file-audit.log")).doesNotExist();
        }
    }
}
