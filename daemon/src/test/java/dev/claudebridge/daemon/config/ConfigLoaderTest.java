package dev.claudebridge.daemon.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
    private static final Path FILE = Path.of("/etc/claude-bridge/config.yaml");

    @TempDir
    Path dir;

    /** A vocabulary that knows nothing: every argument entry is a problem at its line. */
    private static final ArgumentVocabulary NONE = new ArgumentVocabulary() {
        @Override
        public String option(String entry) {
            throw new IllegalArgumentException("'" + entry + "' cannot be allowed");
        }

        @Override
        public String subcommand(String entry) {
            throw new IllegalArgumentException("'" + entry + "' cannot be allowed");
        }
    };

    private static List<ConfigProblem> problems(String yaml) {
        try {
            ConfigLoader.parse(yaml, FILE, NONE);
        } catch (ConfigException e) {
            return e.problems();
        }
        throw new AssertionError("expected problems in:\n" + yaml);
    }

    @Test
    void emptyAndMissingFilesGiveTheDefaults() {
        assertThat(ConfigLoader.parse("", FILE).profiles()).containsOnlyKeys("default");
        assertThat(ConfigLoader.parse("# only a comment\n", FILE).listeners()).hasSize(1);
        BridgeConfig d = ConfigLoader.load(dir.resolve("absent.yaml"), false);
        assertThat(d).isEqualTo(BridgeConfig.defaults());
        assertThat(d.audit().failClosed()).isTrue();
        assertThat(d.claude().killGrace()).isEqualTo(Duration.ofSeconds(1));
        assertThat(d.profiles().get("default").allowArgs()).isEmpty();
    }

    @Test
    void aMissingFileThatWasAskedForIsAnError() {
        assertThatThrownBy(() -> ConfigLoader.load(dir.resolve("absent.yaml"), true))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("absent.yaml")
                .hasMessageContaining("no such file");
    }

    @Test
    void readsEveryKnownKey() throws IOException {
        Path f = dir.resolve("c.yaml");
        Files.writeString(f, """
                claude:
                  path: /opt/claude/bin/claude
                  kill-grace: 1500ms
                listeners:
                  - socket: /run/cb/agents.sock
                    mode: 0660
                    group: docker
                  - socket: /run/cb/ci.sock
                    mode: "0600"
                    owner: "1001"
                    profile: ci
                  - socket: /run/cb/strict.sock
                    profile: ""
                profiles:
                  default:
                    mappings: ["/workspace=/srv/ws"]
                    env-allow: [GIT_AUTHOR_NAME, MY_*]
                  ci:
                    match: { uids: [1001, builder], gids: [2000] }
                    mappings:
                      - /ci=/srv/ci
                    allow-args: ["--permission-mode bypassPermissions", --dangerously-skip-permissions]
                    allow-subcommands: [mcp add, plugin]
                    max-running: 2
                    queue-timeout: 1m30s
                    rate: { per-minute: 10, burst: 5 }
                    max-runtime: 2h
                    max-request-bytes: 64KiB
                    max-args: 100
                    max-argv-bytes: 32KiB
                    max-env-vars: 20
                    max-env-bytes: 8KiB
                    max-cwd-bytes: 512
                    sandbox: false
                    mcp-hosts: [mcp.example.com, "*.Corp.Example", "[::1]"]
                limits: { max-running: auto, max-queued: 50, max-connections: 100, handshake-timeout: 2s, idle-timeout: 0 }
                shutdown: { grace: 45s }
                audit: { path: /var/log/cb/audit.log, max-size: 10MiB, keep: 3, fail-closed: false, max-arg-length: 64 }
                admin: { listen: "", socket: /run/cb/admin.sock }
                """);
        BridgeConfig c = ConfigLoader.load(f, true);
        assertThat(c.source()).contains(f);
        assertThat(c.claude().path()).contains(Path.of("/opt/claude/bin/claude"));
        assertThat(c.claude().killGrace()).isEqualTo(Duration.ofMillis(1500));
        assertThat(c.listeners()).extracting(ListenerConfig::mode).containsExactly(0660, 0600, 0660);
        assertThat(c.listeners().get(0).group()).contains("docker");
        assertThat(c.listeners().get(1).owner()).contains("1001");
        assertThat(c.listeners())
                .extracting(ListenerConfig::profile)
                .containsExactly(Optional.of("default"), Optional.of("ci"), Optional.empty());
        ProfileConfig ci = c.profiles().get("ci");
        assertThat(ci.match().uids()).containsExactly("1001", "builder");
        assertThat(ci.match().gids()).containsExactly("2000");
        assertThat(ci.mappings()).hasToString("[/ci=/srv/ci]");
        assertThat(ci.allowArgs())
                .containsExactly("--permission-mode=bypassPermissions", "--dangerously-skip-permissions");
        assertThat(ci.allowSubcommands()).containsExactly("mcp add", "plugin");
        assertThat(ci.maxRunning()).isEqualTo(2);
        assertThat(ci.queueTimeout()).isEqualTo(Duration.ofSeconds(90));
        assertThat(ci.rate()).isEqualTo(new ProfileConfig.RateConfig(10, 5));
        assertThat(ci.maxRuntime()).isEqualTo(Duration.ofHours(2));
        assertThat(ci.request()).isEqualTo(new RequestLimits(65536, 100, 32768, 20, 8192, 512));
        assertThat(c.profiles().get("default").envAllow()).containsExactly("GIT_AUTHOR_NAME", "MY_*");
        assertThat(ci.mcpHosts()).containsExactly("mcp.example.com", "*.corp.example", "[::1]");
        assertThat(c.profiles().get("default").mcpHosts()).isEmpty();
        assertThat(c.limits())
                .isEqualTo(LimitsConfig.defaults()
                        .with(LimitsConfig.MAX_QUEUED, 50)
                        .with(LimitsConfig.MAX_CONNECTIONS, 100)
                        .with(LimitsConfig.HANDSHAKE_TIMEOUT, Duration.ofSeconds(2)));
        assertThat(c.shutdown().grace()).isEqualTo(Duration.ofSeconds(45));
        assertThat(c.audit()).isEqualTo(new AuditConfig(Path.of("/var/log/cb/audit.log"), 10 << 20, 3, false, 64));
        assertThat(c.admin())
                .isEqualTo(new AdminConfig("", Optional.of(Path.of("/run/cb/admin.sock")), Optional.empty()));
    }

    @Test
    void everyProblemIsNamedWithItsLineAndKey() {
        List<ConfigProblem> p = problems("""
                claude:
                  kill-grace: soon
                listeners:
                  - socket: relative.sock
                    mode: 0999
                    profile: nobody
                profiles:
                  default:
                    max-running: lots
                    allow-args: [--verbose]
                    allow-subcommands: [doctor]
                    mappings: [/workspace]
                    colour: blue
                    mcp-hosts: ["https://mcp.example.com/"]
                audit:
                  fail-closed: yes
                  max-size: 1 tonne
                extra: 1
                """);
        assertThat(p)
                .extracting(ConfigProblem::line, ConfigProblem::field)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(2, "claude.kill-grace"),
                        org.assertj.core.groups.Tuple.tuple(4, "listeners[0].socket"),
                        org.assertj.core.groups.Tuple.tuple(5, "listeners[0].mode"),
                        org.assertj.core.groups.Tuple.tuple(6, "listeners[0].profile"),
                        org.assertj.core.groups.Tuple.tuple(9, "profiles.default.max-running"),
                        org.assertj.core.groups.Tuple.tuple(10, "profiles.default.allow-args"),
                        org.assertj.core.groups.Tuple.tuple(11, "profiles.default.allow-subcommands"),
                        org.assertj.core.groups.Tuple.tuple(12, "profiles.default.mappings"),
                        org.assertj.core.groups.Tuple.tuple(13, "profiles.default.colour"),
                        org.assertj.core.groups.Tuple.tuple(14, "profiles.default.mcp-hosts"),
                        org.assertj.core.groups.Tuple.tuple(16, "audit.fail-closed"),
                        org.assertj.core.groups.Tuple.tuple(17, "audit.max-size"),
                        org.assertj.core.groups.Tuple.tuple(18, "extra"));
        assertThat(p.get(0).toString())
                .isEqualTo(FILE
                        + ":2: claude.kill-grace: expected a duration such as 500ms, 5s, 2m, 1h or 1h30m, got 'soon'");
        assertThat(p.get(5).message()).contains("'--verbose' cannot be allowed");
        assertThat(p.get(8).message()).startsWith("unknown key").contains("max-running");
    }

    @Test
    void aBadEntryOfAListIsNamedAtItsOwnLine() {
        List<ConfigProblem> p = problems("""
                profiles:
                  default:
                    mappings:
                      - /workspace=/srv/ws
                      - /data
                    env-allow:
                      - GIT_AUTHOR_NAME
                      - NOT-A-NAME
                """);
        assertThat(p)
                .extracting(ConfigProblem::line, ConfigProblem::field)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(5, "profiles.default.mappings"),
                        org.assertj.core.groups.Tuple.tuple(8, "profiles.default.env-allow"));
    }

    @Test
    void yamlSyntaxErrorsAndDuplicatesNameTheLine() {
        assertThat(problems("profiles:\n  default:\n    mappings: [a\n"))
                .first()
                .satisfies(p -> {
                    assertThat(p.line()).isPositive();
                    assertThat(p.message()).startsWith("not valid YAML");
                });
        assertThat(problems("audit:\n  keep: 1\n  keep: 2\n"))
                .first()
                .satisfies(p -> assertThat(p.toString()).contains(":3: audit.keep: appears twice"));
        assertThat(problems("- a\n- b\n"))
                .first()
                .satisfies(p -> assertThat(p.message()).contains("mapping"));
    }

    @Test
    void valuesOutOfRangeAreRefused() {
        assertThat(problems("profiles:\n  default:\n    max-request-bytes: 2MiB\n"))
                .first()
                .satisfies(p -> assertThat(p.message()).contains("between 1KiB and 1MiB"));
        assertThat(problems("audit:\n  keep: -1\n"))
                .first()
                .satisfies(p -> assertThat(p.field()).isEqualTo("audit.keep"));
        assertThat(problems("listeners: []\n"))
                .first()
                .satisfies(p -> assertThat(p.message()).contains("at least one listener"));
        assertThat(problems("profiles:\n  default:\n    match: { uids: [\"a b\"] }\n"))
                .first()
                .satisfies(p -> assertThat(p.field()).isEqualTo("profiles.default.match.uids"));
        assertThat(problems("listeners:\n  - socket: /a.sock\n  - socket: /a.sock\n"))
                .first()
                .satisfies(p -> assertThat(p.message()).contains("same socket"));
    }

    @Test
    void theDefaultProfileAlwaysExists() {
        BridgeConfig c = ConfigLoader.parse("profiles:\n  ci:\n    max-running: 1\n", FILE);
        assertThat(c.profiles()).containsOnlyKeys("ci", "default");
        assertThat(c.listeners().getFirst().profile()).contains("default");
    }

    @Test
    void theDocumentedExampleLoadsAndHoldsTheDefaults() {
        Path example = Path.of(System.getProperty("user.dir"))
                .resolve("../docs/claude-bridge.example.yaml")
                .normalize();
        BridgeConfig c = ConfigLoader.load(example, true);
        BridgeConfig d = BridgeConfig.defaults();
        assertThat(c.claude()).isEqualTo(d.claude());
        assertThat(c.profiles()).isEqualTo(d.profiles());
        assertThat(c.limits()).isEqualTo(d.limits());
        assertThat(c.shutdown()).isEqualTo(d.shutdown());
        assertThat(c.admin()).isEqualTo(new AdminConfig("127.0.0.1:9777", Optional.empty(), Optional.empty()));
        assertThat(c.listeners()).singleElement().satisfies(l -> {
            assertThat(l.socket()).isEqualTo(Path.of("/var/run/claude-code-bridge.sock"));
            assertThat(l.mode()).isEqualTo(ListenerConfig.MODE.dflt());
            assertThat(l.profile()).contains("default");
        });
        assertThat(c.audit())
                .isEqualTo(new AuditConfig(
                        Path.of("/var/log/claude-bridge/audit.log"),
                        d.audit().maxSize(),
                        d.audit().keep(),
                        d.audit().failClosed(),
                        d.audit().maxArgLength()));
    }

    @Test
    void octalModesStayOctalWhateverTheQuoting() {
        for (String mode : List.of("0660", "\"0660\"", "660", "'660'")) {
            BridgeConfig c = ConfigLoader.parse("listeners:\n  - socket: /run/x.sock\n    mode: " + mode + "\n", FILE);
            assertThat(c.listeners().getFirst().mode()).as(mode).isEqualTo(0660);
        }
    }
}
