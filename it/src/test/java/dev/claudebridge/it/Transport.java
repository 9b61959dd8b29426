package dev.claudebridge.it;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;

/**
 * How a client reaches the daemon in a suite run over every transport (as Netty runs its socket tests
 * over each): the Unix socket, TLS with a token, TLS with a client certificate, and WebSocket with a
 * token. Each knows the listener to give the daemon and the variables to give the client. The network
 * ones cross a link between two "hosts" ({@link TwoHosts}): the daemon here, the client in the agent's
 * network namespace; the socket is not network-namespaced, so its clients run here.
 */
enum Transport {
    UNIX,
    TLS_TOKEN,
    TLS_CERTIFICATE,
    WSS_TOKEN;

    /**
     * Every client with every transport it speaks, transport by transport (so a suite keeps one daemon
     * per transport): the native client speaks {@code unix://} only.
     */
    static Stream<Arguments> withEveryClient() {
        return Arrays.stream(values())
                .flatMap(t -> Arrays.stream(Client.values())
                        .filter(c -> t == UNIX || c == Client.JAVA)
                        .map(c -> Arguments.of(c, t)));
    }

    /**
     * Like {@link #withEveryClient()} without TLS with a certificate, for suites about the bytes alone:
     * its stream is TLS with a token's; it differs only in who the caller is, which {@code ForwardingTest}
     * shows over it. A Java client's call costs a second or two more over TLS on a loaded machine.
     */
    static Stream<Arguments> withEveryClientOverEachByteStream() {
        return withEveryClient().filter(a -> a.get()[1] != TLS_CERTIFICATE);
    }

    /**
     * Whether the byte-heavy cases (tens of MiB, slow readers) run over this transport: over the socket,
     * and over WebSocket, whose bytes cross TLS and then WebSocket's own framing and backpressure (the
     * listener's explicit demand). Plain TLS adds nothing of its own to them; the light cases run over
     * it. This keeps the suites' time in CI.
     */
    boolean carriesTheHeavyCases() {
        return this == UNIX || this == WSS_TOKEN;
    }

    /** A daemon running the fake claude in a directory of its own, listening on this transport. */
    Bridge startWithFakeClaude() {
        Path dir = Bridge.tempDir();
        return start(dir, Bridge.fakeClaude(dir));
    }

    /**
     * A daemon in {@code dir} running {@code claude}, listening on this transport; its clients use it. The
     * network transports listen on {@link TwoHosts}' link and their clients run on the agent's "host".
     */
    Bridge start(Path dir, Path claude) {
        return start(dir, claude, Map.of());
    }

    /** Like {@link #start(Path, Path)}, the daemon with these variables added to its environment. */
    Bridge start(Path dir, Path claude, Map<String, String> daemonEnv) {
        if (this == UNIX) {
            return Bridge.start(dir, daemonEnv, Bridge.withClaude(claude));
        }
        TwoHosts hosts = TwoHosts.shared();
        NetworkBridge.Listener listener = NetworkBridge.Listener.tls(NetworkBridge.freePort())
                .on(hosts.hostAddress, hosts.serverCertificate)
                .websocket(this == WSS_TOKEN);
        Map<String, String> env = new HashMap<>();
        NetworkBridge.reach(env, listener.url());
        if (this == TLS_CERTIFICATE) {
            NetworkBridge.presentCertificate(env, "agent");
        } else {
            NetworkBridge.sendToken(env, dir, NetworkBridge.TOKEN);
        }
        Bridge bridge = NetworkBridge.start(dir, claude, daemonEnv, List.of(listener), "");
        bridge.reachedBy(env, hosts.agent());
        return bridge;
    }
}
