package dev.claudebridge.daemon.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.tuple;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** A profile's {@code sandbox:} key: on or off in either spelling, or a mapping of its settings; each mistake named at its line. */
class SandboxConfigTest {
    private static final Path FILE = Path.of("/etc/claude-bridge/config.yaml");

    private static SandboxConfig sandboxOf(String value) {
        return ConfigLoader.parse("profiles:\n  default:\n    sandbox: " + value + "\n", FILE)
                .profiles()
                .get("default")
                .sandbox();
    }

    private static List<ConfigProblem> problems(String yaml) {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> ConfigLoader.parse(yaml, FILE));
        assertThat(e).as("expected problems in:%n%s", yaml).isNotNull();
        return e.problems();
    }

    @ParameterizedTest(name = "sandbox: {0}")
    @CsvSource({"on, true", "true, true", "'\"on\"', true", "off, false", "false, false", "'\"off\"', false"})
    void onAndOffInEitherSpelling(String value, boolean enabled) {
        assertThat(sandboxOf(value)).isEqualTo(new SandboxConfig(enabled, List.of()));
    }

    @ParameterizedTest(name = "sandbox: [{0}]")
    @ValueSource(strings = {"null", ""})
    void emptyIsOff(String value) {
        assertThat(sandboxOf(value)).isEqualTo(SandboxConfig.OFF);
    }

    @Test
    void absentIsOff() {
        assertThat(ConfigLoader.parse("profiles: { default: {} }\n", FILE)
                        .profiles()
                        .get("default")
                        .sandbox())
                .isEqualTo(SandboxConfig.OFF);
    }

    @ParameterizedTest(name = "sandbox: {0}")
    @ValueSource(strings = {"{read-only: [/opt]}", "{read-only: /opt}", "{read-only: [/opt/tools/../]}"})
    void aMappingTurnsItOnWithItsReadOnlyPaths(String value) {
        assertThat(sandboxOf(value)).isEqualTo(new SandboxConfig(true, List.of(Path.of("/opt"))));
    }

    @ParameterizedTest(name = "sandbox: {0}")
    @ValueSource(strings = {"{}", "{read-only: []}"})
    void anEmptyMappingIsOnWithTheDefaults(String value) {
        assertThat(sandboxOf(value)).isEqualTo(SandboxConfig.ON);
    }

    @ParameterizedTest(name = "sandbox: {0}")
    @ValueSource(strings = {"maybe", "yes", "On", "1", "~", "''"})
    void anotherWordIsAProblemAtItsLine(String value) {
        List<ConfigProblem> p = problems("""
                profiles:
                  default:
                    mappings: ["/w=/srv/w"]
                    sandbox: %s
                """.formatted(value));
        assertThat(p).hasSize(1);
        assertThat(p.getFirst().toString())
                .isEqualTo(
                        FILE + ":4: profiles.default.sandbox: expected on, off, or a mapping of sandbox settings, got '"
                                + (value.equals("''") ? "" : value) + "'");
    }

    @Test
    void aRelativeReadOnlyPathIsAProblemAtItsOwnLine() {
        List<ConfigProblem> p = problems("""
                profiles:
                  default:
                    sandbox:
                      read-only:
                        - /opt/toolchain
                        - usr/share
                        - /srv/ok
                """);
        assertThat(p)
                .extracting(ConfigProblem::toString)
                .containsExactly(
                        FILE + ":6: profiles.default.sandbox.read-only: expected absolute paths, got 'usr/share'");
    }

    @Test
    void anUnknownOrMisshapenSettingIsAProblemAtItsLine() {
        List<ConfigProblem> p = problems("""
                profiles:
                  a:
                    sandbox: { read-write: [/srv] }
                  b:
                    sandbox: [on]
                  c:
                    sandbox: { read-only: { path: /opt } }
                """);
        assertThat(p)
                .extracting(ConfigProblem::line, ConfigProblem::field)
                .containsExactly(
                        tuple(3, "profiles.a.sandbox.read-write"),
                        tuple(5, "profiles.b.sandbox"),
                        tuple(7, "profiles.c.sandbox.read-only"));
        assertThat(p.get(0).message()).startsWith("unknown key");
    }
}
