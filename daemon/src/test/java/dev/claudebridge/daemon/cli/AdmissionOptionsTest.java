package dev.claudebridge.daemon.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.claudebridge.daemon.admission.Limits;
import dev.claudebridge.daemon.admission.ProfileLimits;
import dev.claudebridge.daemon.admission.RateLimit;
import dev.claudebridge.daemon.config.BridgeConfig;
import dev.claudebridge.daemon.session.BridgeSettings;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

class AdmissionOptionsTest {
    @Command(name = "t")
    static final class Holder {
        @Mixin
        AdmissionOptions options = new AdmissionOptions();
    }

    private static AdmissionOptions parse(String... args) {
        Holder h = new Holder();
        new CommandLine(h).parseArgs(args);
        return h.options;
    }

    @Test
    void withoutFlagsTheConfigurationStands() {
        BridgeConfig config = BridgeConfig.defaults();
        Limits l = parse().limits(() -> BridgeSettings.of(config, Map.of())).get();

        assertThat(l.maxRunning()).isEqualTo(Limits.autoMaxRunning()); // max-running: auto
        assertThat(l.maxQueued()).isEqualTo(config.limits().maxQueued());
        assertThat(parse().shutdownGrace(config)).isEqualTo(config.shutdown().grace());
    }

    @Test
    void flagsOverrideTheFileAndEveryProfile() {
        AdmissionOptions o = parse(
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
                "4s");
        BridgeConfig config = BridgeConfig.defaults();

        Limits l = o.limits(() -> BridgeSettings.of(config, Map.of())).get();
        ProfileLimits p = o.profile(ProfileLimits.DEFAULT);

        assertThat(l.maxRunning()).isEqualTo(3);
        assertThat(l.maxQueued()).isEqualTo(7);
        assertThat(l.handshakeTimeout()).isEqualTo(Duration.ofMillis(500));
        assertThat(p.rate()).isEqualTo(new RateLimit(30, 5));
        assertThat(p.queueTimeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(p.maxRuntime()).isEqualTo(Duration.ofMinutes(1));
        assertThat(p.maxRunning()).isEqualTo(2);
        assertThat(o.shutdownGrace(config)).isEqualTo(Duration.ofSeconds(4));
    }

    @Test
    void aRateWithoutBurstBurstsItsWholeMinuteAndZeroTurnsItOff() {
        assertThat(parse("--rate", "60").profile(ProfileLimits.DEFAULT).rate().capacity())
                .isEqualTo(60);
        assertThat(parse("--rate", "0").profile(ProfileLimits.DEFAULT).rate().unlimited())
                .isTrue();
        assertThatThrownBy(() -> parse("--rate", "fast"))
                .hasMessageContaining("--rate takes PER_MINUTE or PER_MINUTE/BURST, e.g. 60/20; got fast");
    }
}
