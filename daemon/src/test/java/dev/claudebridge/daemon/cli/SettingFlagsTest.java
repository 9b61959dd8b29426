package dev.claudebridge.daemon.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.claudebridge.daemon.config.BridgeConfig;
import dev.claudebridge.daemon.config.ConfigLoader;
import dev.claudebridge.daemon.config.LimitsConfig;
import dev.claudebridge.daemon.config.PathMapping;
import dev.claudebridge.daemon.config.ProfileConfig;
import dev.claudebridge.daemon.config.ProfileConfig.RateConfig;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/** The flags that set one configuration key each: on top of the file, for every profile, with the key's syntax. */
class SettingFlagsTest {
    private static final BridgeConfig FILE = ConfigLoader.parse("""
            profiles:
              ci:
                queue-timeout: 1m
            limits:
              max-queued: 20
            """, Path.of("/etc/claude-bridge/config.yaml"));

    private static SettingFlags parse(String... args) {
        SettingFlags flags = new SettingFlags();
        CommandSpec spec = CommandSpec.create();
        flags.addTo(spec);
        new CommandLine(spec).parseArgs(args);
        return flags;
    }

    @Test
    void withoutFlagsTheFileStands() {
        assertThat(parse().apply(FILE)).isEqualTo(FILE);
    }

    @Test
    void flagsOverrideTheFileAndEveryProfile() {
        BridgeConfig c = parse(
                        "--max-running",
                        "3",
                        "--max-queued",
                        "7",
                        "--handshake-timeout",
                        "500ms",
                        "--rate",
                        "30/5",
                        "--queue-timeout",
                        "2s",
                        "--max-runtime",
                        "1m",
                        "--profile-max-running",
                        "2",
                        "--shutdown-grace",
                        "4s",
                        "--socket-mode",
                        "0600")
                .apply(FILE);

        assertThat(c.limits().maxRunning()).isEqualTo(3);
        assertThat(c.limits().maxQueued()).isEqualTo(7);
        assertThat(c.limits().handshakeTimeout()).isEqualTo(Duration.ofMillis(500));
        assertThat(c.limits().maxConnections()).isEqualTo(LimitsConfig.MAX_CONNECTIONS.dflt());
        assertThat(c.profiles()).containsOnlyKeys("ci", "default");
        for (ProfileConfig p : c.profiles().values()) {
            assertThat(p.rate()).isEqualTo(new RateConfig(30, 5));
            assertThat(p.queueTimeout()).isEqualTo(Duration.ofSeconds(2));
            assertThat(p.maxRuntime()).isEqualTo(Duration.ofMinutes(1));
            assertThat(p.maxRunning()).isEqualTo(2);
        }
        assertThat(c.shutdown().grace()).isEqualTo(Duration.ofSeconds(4));
        assertThat(c.listeners()).allSatisfy(l -> assertThat(l.mode()).isEqualTo(0600));
    }

    @Test
    void repeatedFlagsReplaceTheDefaultProfilesLists() {
        BridgeConfig c = parse("--map", "/w=/srv/w", "--map", "/x=/srv/x", "--allow-env", "GIT_*")
                .apply(FILE);
        ProfileConfig d = c.profile("default").orElseThrow();
        assertThat(d.mappings()).containsExactly(PathMapping.parse("/w=/srv/w"), PathMapping.parse("/x=/srv/x"));
        assertThat(d.envAllow()).containsExactly("GIT_*");
        assertThat(c.profile("ci").orElseThrow().mappings()).isEmpty();
    }

    @Test
    void aRateWithoutBurstBurstsItsWholeMinuteAndZeroTurnsItOff() {
        assertThat(parse("--rate", "60").apply(FILE).profile("ci").orElseThrow().rate())
                .isEqualTo(new RateConfig(60, 60));
        assertThat(parse("--rate", "0")
                        .apply(FILE)
                        .profile("ci")
                        .orElseThrow()
                        .rate()
                        .perMinute())
                .isZero();
        assertThatThrownBy(() -> parse("--rate", "fast"))
                .hasMessageContaining("--rate")
                .hasMessageContaining("expected PER_MINUTE or PER_MINUTE/BURST, e.g. 60/20; got fast");
    }

    @Test
    void aFlagReadsItsValueAsTheFileReadsItsKey() {
        assertThatThrownBy(() -> parse("--max-queued", "-5"))
                .hasMessageContaining("--max-queued")
                .hasMessageContaining("must be between 0 and 1000000, got -5");
        assertThatThrownBy(() -> parse("--handshake-memory", "64KiB")).hasMessageContaining("between 1MiB");
        assertThatThrownBy(() -> parse("--socket-mode", "0999")).hasMessageContaining("octal");
        assertThatThrownBy(() -> parse("--map", "relative")).hasMessageContaining("CONTAINER_PATH=HOST_PATH");
        assertThatThrownBy(() -> parse("--allow-env", "A-B")).hasMessageContaining("not a variable name");
        assertThat(parse("--max-running", "auto", "--idle-timeout", "PT1M")
                        .apply(FILE)
                        .limits())
                .satisfies(l -> {
                    assertThat(l.maxRunning()).isEqualTo(LimitsConfig.AUTO);
                    assertThat(l.idleTimeout()).isEqualTo(Duration.ofMinutes(1));
                });
    }

    @Test
    void theHelpNamesTheKeyAndItsDefault() {
        CommandSpec spec = CommandSpec.create();
        new SettingFlags().addTo(spec);
        String help = new CommandLine(spec).setUsageHelpWidth(1000).getUsageMessage();
        assertThat(help)
                .contains("(limits.max-queued). Default: 200.")
                .contains("(limits.write-deadline). Default: 1m.")
                .contains("(profiles.*.rate). Default: 120/200.")
                .contains("(profiles.*.queue-timeout). Default: 10m.")
                .contains("(claude.kill-grace). Default: 1s.")
                .contains("(profiles.default.mappings).")
                .doesNotContain("mappings). Default");
        assertThat(spec.optionsMap())
                .containsKeys("--max-running", "--rate", "--map", "--allow-env", "--socket-mode", "--kill-grace");
    }
}
