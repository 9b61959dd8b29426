package dev.claudebridge.daemon.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** A {@code tls:} listener as the file gives it, and the ones the loader refuses before anything starts. */
class TlsConfigTest {
    private static final Path FILE = Path.of("/etc/claude-bridge/config.yaml");
    private static final String HASH = "sha256:" + "ab".repeat(32);

    private static String problems(String yaml) {
        try {
            ConfigLoader.parse(yaml, FILE);
        } catch (ConfigException e) {
            return e.problems().stream().map(ConfigProblem::message).collect(Collectors.joining("\n"));
        }
        throw new AssertionError("expected problems in:\n" + yaml);
    }

    @Test
    void aTlsListenerIsNamedByItsAddressAndKeepsItsFilesAndTokens() {
        BridgeConfig c = ConfigLoader.parse("""
                listeners:
                  - socket: /run/b.sock
                  - tls:
                      listen: 0.0.0.0:8443
                      certificate: /etc/tls/server.crt
                      key: /etc/tls/server.key
                      client-ca: /etc/tls/clients.crt
                      tokens: [ "build-7=%s" ]
                profiles:
                  agents: { match: { certificates: [ "CN=agent-1,O=build", "%s" ], tokens: [ build-7 ] } }
                """.formatted(HASH, HASH), FILE);
        ListenerConfig tls = c.listeners().get(1);
        assertThat(tls.name()).isEqualTo("tls://0.0.0.0:8443");
        assertThat(tls.tls().clientCa()).contains(Path.of("/etc/tls/clients.crt"));
        assertThat(tls.tls().tokens()).containsExactly("build-7=" + HASH);
        assertThat(c.listeners().getFirst().name()).isEqualTo("/run/b.sock");
        ProfileConfig.PeerMatch m = c.profiles().get("agents").match();
        assertThat(m.certificates()).containsExactly("CN=agent-1,O=build", HASH);
        assertThat(m.tokens()).containsExactly("build-7");
    }

    @Test
    void aTlsListenerWithoutClientAuthenticationIsRefused() {
        assertThat(problems("""
                        listeners:
                          - tls: { listen: "127.0.0.1:8443", certificate: /s.crt, key: /s.key }
                        """)).contains("needs client authentication");
    }

    @Test
    void badTlsEntriesAreRefusedEachWithItsReason() {
        assertThat(problems("listeners:\n  - tls: { listen: \"127.0.0.1:8443\", client-ca: /ca.crt }\n"))
                .contains("needs its certificate and key");
        assertThat(problems(
                        "listeners:\n  - tls: { listen: nowhere, certificate: /s.crt, key: /s.key, client-ca: /c }\n"))
                .contains("HOST:PORT");
        assertThat(
                        problems(
                                "listeners:\n  - tls: { listen: \"h:1\", certificate: /s.crt, key: /s.key, tokens: [ \"a=plaintext\" ] }\n"))
                .contains("NAME=sha256:HEX")
                .doesNotContain("plaintext");
        assertThat(
                        problems(
                                "listeners:\n  - socket: /a.sock\n    tls: { listen: \"h:1\", certificate: /s.crt, key: /s.key, client-ca: /c }\n"))
                .contains("not both");
        assertThat(problems("profiles:\n  p: { match: { certificates: [ agent-1 ] } }\n"))
                .contains("neither a subject");
    }

    @Test
    void unchangedDefaultsLeaveTheListenerASocket() {
        assertThat(ListenerConfig.defaults().tls().enabled()).isFalse();
        assertThat(TlsConfig.defaults().tokens()).isEqualTo(List.of());
    }
}
