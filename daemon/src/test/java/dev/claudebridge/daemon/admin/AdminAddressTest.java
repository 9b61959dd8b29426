package dev.claudebridge.daemon.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class AdminAddressTest {
    @ParameterizedTest
    @CsvSource({
        "127.0.0.1:9777,127.0.0.1,9777,http://127.0.0.1:9777",
        "localhost:0,localhost,0,http://localhost:0",
        "'[::1]:9000',::1,9000,'http://[::1]:9000'",
        "' 0.0.0.0:80 ',0.0.0.0,80,http://0.0.0.0:80"
    })
    void parsesHostAndPort(String text, String host, int port, String url) {
        AdminAddress a = AdminAddress.parse(text).orElseThrow();
        assertThat(a.host()).isEqualTo(host);
        assertThat(a.port()).isEqualTo(port);
        assertThat(a.url(port)).isEqualTo(url);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "off", "  "})
    void emptyOrOffTurnsTheEndpointOff(String text) {
        assertThat(AdminAddress.parse(text)).isEmpty();
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "9777|HOST:PORT",
                "127.0.0.1:|HOST:PORT",
                ":9777|HOST:PORT",
                "::1:9777|brackets",
                "localhost:http|must be a number",
                "localhost:70000|0-65535"
            })
    void badAddressesSayWhatIsWrong(String text, String message) {
        assertThatThrownBy(() -> AdminAddress.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(message);
    }

    @Test
    void theDefaultIsLoopbackOnly() {
        assertThat(AdminAddress.parse(AdminAddress.DEFAULT).orElseThrow().host())
                .isEqualTo("127.0.0.1");
    }
}
