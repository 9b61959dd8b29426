package dev.claudebridge.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The argument policy checked against the real claude's own parser. Run as root, claude refuses to
 * bypass permissions ("cannot be used with root/sudo privileges"), which shows exactly when it has
 * read an argv as asking for bypass: every such argv must be denied by the bridge (78), and every
 * argv that claude does not read that way must get through (no false denial).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PolicyRealCliTest {
    private static final String TOOK_BYPASS = "cannot be used with root/sudo privileges";
    private Path claude;
    private Path dir;
    private Path home;
    private Bridge bridge;

    @BeforeAll
    void start() throws Exception {
        String prop = System.getProperty("claude.real", "");
        Assumptions.assumeTrue(
                !prop.isBlank() && Files.isExecutable(Path.of(prop)),
                "the real claude CLI is not installed (./build.sh test installs it into .tools/): skipped");
        Assumptions.assumeTrue(
                "root".equals(System.getProperty("user.name")), "claude shows bypass only when run as root: skipped");
        claude = Path.of(prop);
        dir = Bridge.tempDir();
        home = Files.createDirectories(dir.resolve("home"));
        Path config = Bridge.writeConfig(
                dir, "config.yaml", """
                claude: { path: %s }
                listeners: [ { socket: %s } ]
                profiles:
                  default: { mappings: ["%s=%s"], rate: { per-minute: 0 } }
                audit: { path: %s }
                """.formatted(claude, dir.resolve("b.sock"), dir, dir, dir.resolve("audit.log")));
        bridge = Bridge.startWithConfig(dir, Map.of("HOME", home.toString()), config);
    }

    @AfterAll
    void stop() {
        if (bridge != null) {
            bridge.close();
        }
    }

    private Bridge.Result direct(List<String> args) {
        List<String> cmd = new ArrayList<>(List.of(claude.toString()));
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile());
        pb.environment().keySet().removeIf(n -> n.startsWith("ANTHROPIC_") || n.startsWith("CLAUDE"));
        pb.environment().put("HOME", home.toString());
        return Bridge.run(pb, new byte[0]);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(
            strings = {
                "bypass --dangerously-skip-permissions|-p|hi",
                "bypass -p|--dangerously-skip-permissions",
                "bypass -p|hi|--dangerously-skip-permissions",
                "bypass hello|--dangerously-skip-permissions|-p",
                "bypass -pc|--dangerously-skip-permissions",
                "bypass -d|--dangerously-skip-permissions|-p|hi",
                "bypass --allowedTools|Bash|--dangerously-skip-permissions|-p|hi",
                "bypass --permission-mode|bypassPermissions|-p|hi",
                "bypass --permission-mode=bypassPermissions|-p|hi",
                "bypass -p|--permission-mode|bypassPermissions",
                "plain -p|--|--dangerously-skip-permissions",
                "plain --model|--dangerously-skip-permissions|-p|hi",
                "plain --system-prompt|--dangerously-skip-permissions|-p|hi",
                "plain --append-system-prompt=--dangerously-skip-permissions|-p|hi",
                "plain -p|explain --dangerously-skip-permissions",
                "plain --permission-mode|plan|-p|hi",
                "plain -p|hi|--|--permission-mode|bypassPermissions",
            })
    void theBridgeDeniesExactlyWhatClaudeReadsAsBypass(String row) {
        boolean expected = row.startsWith("bypass ");
        List<String> args = List.of(row.substring(row.indexOf(' ') + 1).split("\\|"));
        Bridge.Result d = direct(args);
        boolean tookBypass = (d.stderr() + d.out()).contains(TOOK_BYPASS);
        assertThat(tookBypass)
                .as("this claude's reading of %s changed: %s", args, d)
                .isEqualTo(expected);
        Bridge.Result b = Bridge.run(bridge.client(dir, args.toArray(String[]::new)), new byte[0]);
        if (tookBypass) {
            assertThat(b.status())
                    .as("claude reads %s as bypass; the bridge must deny it: %s", args, b)
                    .isEqualTo(78);
            assertThat(b.stderr()).contains("is not allowed");
        } else {
            assertThat(b.status())
                    .as("claude does not read %s as bypass (%s); the bridge must not deny it: %s", args, d, b)
                    .isNotEqualTo(78);
            assertThat(b.stderr() + b.out()).doesNotContain(TOOK_BYPASS);
        }
    }
}
