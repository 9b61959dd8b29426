package dev.claudebridge.daemon.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Which addresses a destination may be connected to. */
class AddressPolicyTest {
    /** "to-ADDRESS.example" resolves to ADDRESS (an IPv6 address's colons written as x); "mixed" to two addresses. */
    private final AddressPolicy policy = new AddressPolicy(host -> {
        if (host.equals("mixed.example")) {
            return new InetAddress[] {InetAddress.ofLiteral("127.0.0.1"), InetAddress.ofLiteral("192.0.2.7")};
        }
        if (!host.startsWith("to-")) {
            throw new UnknownHostException(host);
        }
        return new InetAddress[] {
            InetAddress.ofLiteral(
                    host.substring(3, host.lastIndexOf(".example")).replace('x', ':'))
        };
    });

    @ParameterizedTest
    @ValueSource(
            strings = {"127.0.0.1", "127.8.9.10", "169.254.169.254", "0.0.0.0", "224.0.0.1", "::1", "fe80::1", "::"})
    void aNameNeverLeadsToTheHostsOwnAddresses(String address) {
        assertThatThrownBy(() -> policy.resolve(Destination.of("to-" + address.replace(':', 'x') + ".example", 443)))
                .isInstanceOf(NetworkRefusal.class)
                .hasMessageContaining("resolves only to addresses of the host itself or its link");
    }

    @Test
    void anAddressWrittenOutIsReached() {
        assertThat(policy.resolve(Destination.of("127.0.0.1", 8080)))
                .containsExactly(new InetSocketAddress(InetAddress.ofLiteral("127.0.0.1"), 8080));
        assertThat(policy.resolve(Destination.of("[fe80::1]", 8080))).hasSize(1);
    }

    @Test
    void aNameWithOtherAddressesKeepsOnlyThose() {
        assertThat(policy.resolve(Destination.of("mixed.example", 80)))
                .containsExactly(new InetSocketAddress(InetAddress.ofLiteral("192.0.2.7"), 80));
        assertThat(policy.resolve(Destination.of("to-10.0.0.5.example", 80)))
                .as("private addresses are the operator's to list by name")
                .containsExactly(new InetSocketAddress(InetAddress.ofLiteral("10.0.0.5"), 80));
    }

    @Test
    void aNameThatDoesNotResolveIsAnIoFailureNotARefusal() {
        assertThatThrownBy(() -> policy.resolve(Destination.of("nowhere.example", 80)))
                .isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining("nowhere.example does not resolve");
    }
}
