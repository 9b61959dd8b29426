package dev.claudebridge.daemon.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The sandbox's network allow-list entries as the configuration reads them. */
class NetworkEntryTest {
    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        "github.com:443, github.com:443",
        "GitHub.COM.:443, github.com:443",
        "*.pypi.org:443, *.pypi.org:443",
        "*.PyPI.org:443, *.pypi.org:443",
        "10.0.0.5:8080, 10.0.0.5:8080",
        "[2001:db8::1]:443, [2001:db8:0:0:0:0:0:1]:443",
        "[::ffff:127.0.0.1]:80, 127.0.0.1:80",
        "localhost:9000, localhost:9000",
        "' registry.npmjs.org:443 ', registry.npmjs.org:443",
    })
    void canonicalForms(String written, String canonical) {
        assertThat(NetworkEntry.canonical(written)).isEqualTo(canonical);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "github.com",
                "github.com:",
                ":443",
                "github.com:0",
                "github.com:65536",
                "github.com:https",
                "*:443",
                "*.:443",
                "a.*.com:443",
                "git hub.com:443",
                "-github.com:443",
                "127.1:80",
                "2130706433:80",
                "010.0.0.5:80",
                "256.0.0.1:80",
                "2001:db8::1:443",
                "[2001:db8::zz]:443",
                "[fe80::1%eth0]:443",
                "http://github.com:443",
            })
    void malformedEntriesAreRefused(String written) {
        assertThatThrownBy(() -> NetworkEntry.canonical(written)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theSandboxKeyReadsItsNetworkList() {
        BridgeConfig c = ConfigLoader.parse("""
                profiles:
                  agent:
                    sandbox:
                      network: ["GitHub.com:443", "*.pypi.org:443", "github.com:443"]
                      read-only: [/opt/tools]
                  plain:
                    sandbox: on
                """, Path.of("/etc/claude-bridge/config.yaml"));
        SandboxConfig agent = c.profiles().get("agent").sandbox();
        assertThat(agent.enabled()).isTrue();
        assertThat(agent.network()).containsExactly("github.com:443", "*.pypi.org:443");
        assertThat(agent.readOnly()).containsExactly(Path.of("/opt/tools"));
        assertThat(c.profiles().get("plain").sandbox().network())
                .as("default: nothing")
                .isEmpty();
    }

    @Test
    void aBadEntryIsAProblemAtItsLine() {
        assertThatThrownBy(() -> ConfigLoader.parse("""
                        profiles:
                          agent:
                            sandbox:
                              network: ["github.com:443", "*:443"]
                        """, Path.of("/etc/claude-bridge/config.yaml")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("config.yaml:4")
                .hasMessageContaining("profiles.agent.sandbox.network")
                .hasMessageContaining("'*:443'");
    }
}
