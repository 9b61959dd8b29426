package dev.claudebridge.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The real Claude Code CLI from npm (installed by ./build.sh test into .tools/), through the bridge and
 * directly, in the same environment: the caller must not be able to tell the difference, whichever
 * client it runs (the cheap cases run with both).
 */
class RealClaudeTest {
    private static Path claude;
    private static Path dir;
    private static Path home;
    private static Bridge bridge;

    @BeforeAll
    static void start() throws Exception {
        String prop = System.getProperty("claude.real", "");
        Assumptions.assumeTrue(
                !prop.isBlank() && Files.isExecutable(Path.of(prop)),
                "the real claude CLI is not installed (./build.sh test installs it into .tools/): skipped");
        claude = Path.of(prop);
        dir = Bridge.tempDir();
        home = Files.createDirectories(dir.resolve("home")); // a fresh HOME: no login, no settings
        bridge = Bridge.start(dir, Map.of("HOME", home.toString()), List.of("--claude", claude.toString()));
    }

    @AfterAll
    static void stop() {
        if (bridge != null) {
            bridge.close();
        }
    }

    private static Bridge.Result direct(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(claude.toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile());
        pb.environment().put("HOME", home.toString());
        return Bridge.run(pb, new byte[0]);
    }

    private static Bridge.Result bridged(String... args) {
        return bridged(Client.JAVA, args);
    }

    private static Bridge.Result bridged(Client client, String... args) {
        return Bridge.run(bridge.client(client, dir, args), new byte[0]);
    }

    @ParameterizedTest
    @EnumSource(Client.class)
    void versionMatchesByteForByte(Client client) throws Exception {
        Bridge.Result d = direct("--version");
        Bridge.Result b = bridged(client, "--version");
        assertThat(d.status()).isZero();
        assertThat(b.stdout()).isEqualTo(d.stdout());
        assertThat(b.stderr()).isEqualTo(d.stderr());
        assertThat(b.status()).isEqualTo(d.status());
        assertThat(b.out()).contains("Claude Code");
    }

    /** Over WebSocket, which is TLS and then framing of its own: a daemon of its own costs seconds, so once. */
    @Test
    void overWebSocketTheRealCliIsIndistinguishableToo() throws Exception {
        Path own = Files.createDirectory(dir.resolve("wss"));
        try (Bridge networked = Transport.WSS_TOKEN.start(own, claude, Map.of("HOME", home.toString()))) {
            Bridge.Result d = direct("--version");
            Bridge.Result b = Bridge.run(networked.client(dir, "--version"), new byte[0]);
            assertThat(b.stdout()).isEqualTo(d.stdout());
            assertThat(b.status()).as("%s", b).isEqualTo(d.status()).isZero();

            Bridge.Result dp = direct("-p", "hello");
            Bridge.Result bp = Bridge.run(networked.client(dir, "-p", "hello"), new byte[0]);
            assertThat(bp.status()).as("%s", bp).isEqualTo(dp.status()).isEqualTo(1);
            assertThat(bp.out()).isEqualTo(dp.out()).contains("Not logged in");
            assertThat(bp.stderr()).isEqualTo(dp.stderr());
        }
    }

    @Test
    void helpMatchesByteForByte() throws Exception {
        Bridge.Result d = direct("--help");
        Bridge.Result b = bridged("--help");
        assertThat(d.stdout().length).isGreaterThan(1000);
        assertThat(new String(b.stdout(), StandardCharsets.UTF_8))
                .isEqualTo(new String(d.stdout(), StandardCharsets.UTF_8));
        assertThat(b.stderr()).isEqualTo(d.stderr());
        assertThat(b.status()).isEqualTo(d.status());
    }

    @ParameterizedTest
    @EnumSource(Client.class)
    void promptWithoutLoginFailsTheSameWay(Client client) throws Exception {
        Bridge.Result d = direct("-p", "hello");
        Bridge.Result b = bridged(client, "-p", "hello");
        assertThat(d.status()).isEqualTo(1);
        assertThat(b.status()).isEqualTo(d.status());
        assertThat(b.out()).isEqualTo(d.out()).contains("Not logged in");
        assertThat(b.stderr()).isEqualTo(d.stderr());
    }

    @Test
    void bridgedCallsOfTheRealCliLeaveNoProcessBehind() throws Exception {
        bridged("--version");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (System.nanoTime() < deadline
                && ProcessHandle.of(bridge.daemonPid()).orElseThrow().children().anyMatch(p -> Proc.running(p.pid()))) {
            Bridge.sleep(20);
        }
        assertThat(ProcessHandle.of(bridge.daemonPid())
                        .orElseThrow()
                        .children()
                        .filter(p -> Proc.running(p.pid()))
                        .toList())
                .isEmpty();
    }
}
