package dev.claudebridge.daemon.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** What an allow-list entry matches, as docs/CONFIG.md ("The sandbox") says. */
class AllowListTest {
    private static final AllowList LIST = AllowList.of(List.of(
            "github.com:443", "*.pypi.org:443", "10.0.0.5:8080", "[2001:db8:0:0:0:0:0:1]:443", "localhost:9000"));

    @ParameterizedTest(name = "{0}:{1} -> {2}")
    @CsvSource({
        "github.com, 443, true",
        "GitHub.COM, 443, true",
        "github.com., 443, true",
        "github.com, 80, false",
        "api.github.com, 443, false",
        "files.pypi.org, 443, true",
        "a.b.pypi.org, 443, true",
        "pypi.org, 443, false",
        "evilpypi.org, 443, false",
        "pypi.org.evil.com, 443, false",
        "files.pypi.org, 80, false",
        "10.0.0.5, 8080, true",
        "10.0.0.5, 8081, false",
        "10.0.0.6, 8080, false",
        "[2001:db8::1], 443, true",
        "2001:db8:0::1, 443, true",
        "[2001:db8::2], 443, false",
        "localhost, 9000, true",
        "LOCALHOST, 9000, true",
        "127.0.0.1, 9000, false",
    })
    void matches(String host, int port, boolean allowed) {
        assertThat(LIST.allows(Destination.of(host, port))).isEqualTo(allowed);
    }

    @Test
    void addressesAndLocalhostAreLiteralNamesAreNot() {
        assertThat(Destination.of("127.0.0.1", 80).literal()).isTrue();
        assertThat(Destination.of("[::1]", 80).literal()).isTrue();
        assertThat(Destination.of("::ffff:127.0.0.1", 80))
                .as("an IPv4-mapped address is the IPv4 address")
                .isEqualTo(new Destination("127.0.0.1", 80, true));
        assertThat(Destination.of("localhost", 80).literal()).isTrue();
        assertThat(Destination.of("metadata.google.internal", 80).literal()).isFalse();
        assertThat(Destination.of("127.1", 80).literal())
                .as("another spelling of an address is a name (and no entry can name it)")
                .isFalse();
        assertThat(Destination.of("2130706433", 80).literal()).isFalse();
    }

    @Test
    void anEmptyListAllowsNothing() {
        assertThat(AllowList.of(List.of()).allows(Destination.of("github.com", 443)))
                .isFalse();
    }

    @Test
    void badDestinationsAreRefused() {
        assertThatThrownBy(() -> Destination.of("github.com", 0)).isInstanceOf(NetworkRefusal.class);
        assertThatThrownBy(() -> Destination.of("github.com", 70000)).isInstanceOf(NetworkRefusal.class);
        assertThatThrownBy(() -> Destination.of("[fe80::1%eth0:zz]", 80)).isInstanceOf(NetworkRefusal.class);
    }
}
