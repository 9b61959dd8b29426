package dev.claudebridge.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What crosses the bridge, checked end to end with real processes: argv, streams, exit status; for each
 * client over each transport it speaks.
 */
@ParameterizedClass
@MethodSource("dev.claudebridge.it.Transport#withEveryClient")
class ForwardingTest {
    private static final TransportBridges BRIDGES = new TransportBridges(Transport::startWithFakeClaude);
    private static Bridge bridge;

    @Parameter(0)
    Client client;

    @Parameter(1)
    Transport transport;

    @BeforeEach
    void start() {
        bridge = BRIDGES.over(transport);
    }

    @AfterAll
    static void stop() {
        BRIDGES.close();
    }

    @Test
    void argvArrivesVerbatim() {
        // an option the bridge has not classified is refused, so the dashed word comes after --
        List<String> args = List.of(
                "a b",
                "",
                "  ",
                "q\"uote",
                "it's",
                "new\nline",
                "tab\there",
                "héllo wörld ✓ 日本",
                "-",
                "--",
                "--dangerously-looking",
                "$HOME",
                "`id`",
                "*",
                "\\back\\slash",
                "emoji 🚀");
        String[] argv = new String[args.size() + 1];
        argv[0] = "args";
        for (int i = 0; i < args.size(); i++) {
            argv[i + 1] = args.get(i);
        }
        Bridge.Result r = bridge.run(client, argv);
        assertThat(r.status()).as(r.toString()).isZero();
        List<String> expected = args.stream()
                .map(a -> HexFormat.of().formatHex(a.getBytes(StandardCharsets.UTF_8)))
                .toList();
        assertThat(r.out().lines().toList()).isEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {"--help", "--version", "-p", "-h"})
    void flagsAreNotTheClientsOwn(String flag) {
        Bridge.Result r = bridge.run(client, "args", flag);
        assertThat(r.out().strip()).isEqualTo(HexFormat.of().formatHex(flag.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void stdoutAndStderrStaySeparate() {
        Bridge.Result r = bridge.run(client, "streams");
        assertThat(r.out()).isEqualTo("out-1\nout-2\nout-3\n");
        assertThat(r.stderr()).isEqualTo("err-1\nerr-2\nerr-3\n");
        assertThat(r.status()).isZero();
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 42, 255})
    void exitCodeComesBack(int code) {
        assertThat(bridge.run(client, "exit", Integer.toString(code)).status()).isEqualTo(code);
    }

    @ParameterizedTest
    @ValueSource(strings = {"TERM:143", "KILL:137", "INT:130", "SEGV:139"})
    void deathBySignalIsReportedLikeAShell(String signalAndStatus) {
        String[] s = signalAndStatus.split(":");
        Bridge.Result r = bridge.run(client, "signal", s[0]);
        assertThat(r.status()).as(r.toString()).isEqualTo(Integer.parseInt(s[1]));
        assertThat(r.stderr()).isEmpty();
    }

    @Test
    void fiftyMebibytesOfBinaryStdinEchoBackByteExact() throws Exception {
        Assumptions.assumeTrue(transport.carriesTheHeavyCases(), "moves bytes as another transport does: skipped");
        byte[] data = new byte[50 * 1024 * 1024];
        new SplittableRandom(42).nextBytes(data);
        Bridge.Result r = Bridge.run(bridge.client(client, bridge.dir, "cat"), data);
        assertThat(r.status()).as(r.stderr()).isZero();
        assertThat(r.stdout().length).isEqualTo(data.length);
        assertThat(sha256(r.stdout())).isEqualTo(sha256(data));
    }

    @Test
    void emptyStdinIsEofAtOnce() {
        Bridge.Result r = Bridge.run(bridge.client(client, bridge.dir, "cat"), new byte[0]);
        assertThat(r.status()).isZero();
        assertThat(r.stdout()).isEmpty();
    }

    @Test
    void outputStreamsBeforeTheProcessEnds() throws Exception {
        Path marker = bridge.dir.resolve("tick-marker-" + client);
        Process p = bridge.client(client, bridge.dir, "tick", marker.toString()).start();
        try (InputStream out = p.getInputStream()) {
            byte[] first = out.readNBytes("tick-1\n".length());
            // the fake claude is still waiting for the marker: this line cannot have come from a buffer flushed at exit
            assertThat(new String(first, StandardCharsets.UTF_8)).isEqualTo("tick-1\n");
            assertThat(p.isAlive()).isTrue();
            Files.createFile(marker);
            assertThat(new String(out.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("tick-2\n");
        }
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isZero();
    }

    @Test
    void onlyAllowListedVariablesCross() {
        ProcessBuilder pb = bridge.client(
                bridge.dir,
                "env",
                "TERM",
                "LANG",
                "LD_PRELOAD",
                "NODE_OPTIONS",
                "ANTHROPIC_BASE_URL",
                "CLAUDE_CONFIG_DIR",
                "HTTPS_PROXY",
                "MY_SECRET");
        pb.environment().put("TERM", "xterm-test");
        pb.environment().put("LANG", "C.UTF-8");
        pb.environment().put("NODE_OPTIONS", "--require /tmp/evil.js");
        pb.environment().put("ANTHROPIC_BASE_URL", "http://attacker.invalid");
        pb.environment().put("CLAUDE_CONFIG_DIR", "/tmp/elsewhere");
        pb.environment().put("HTTPS_PROXY", "http://attacker.invalid");
        pb.environment().put("MY_SECRET", "container-only");
        Bridge.Result r = Bridge.run(pb, new byte[0]);
        assertThat(r.out().lines().toList())
                .contains(
                        "TERM=xterm-test",
                        "LANG=C.UTF-8",
                        "LD_PRELOAD=<unset>",
                        "NODE_OPTIONS=<unset>",
                        "ANTHROPIC_BASE_URL=<unset>",
                        "CLAUDE_CONFIG_DIR=<unset>",
                        "HTTPS_PROXY=<unset>",
                        "MY_SECRET=<unset>");
    }

    @Test
    void withoutMappingsTheProcessRunsInAnEmptyPrivateDirectory() throws Exception {
        Bridge.Result r = bridge.run(client, "cwd");
        Path cwd = Path.of(r.out().strip());
        assertThat(cwd.getFileName().toString()).startsWith("claude-bridge-");
        assertThat(cwd).isNotEqualTo(bridge.dir);
        // it is removed when the request ends, which a client that exits at once may beat by a moment
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (Files.exists(cwd) && System.nanoTime() < deadline) {
            Bridge.sleep(20);
        }
        assertThat(Files.exists(cwd)).isFalse();
    }

    @Test
    void clientRunsOnJava17() {
        Assumptions.assumeTrue(
                client == Client.JAVA && transport == Transport.UNIX, "the Java client's own concern, once");
        Path java17 = Path.of("/usr/lib/jvm/java-17-openjdk-amd64/bin/java");
        Assumptions.assumeTrue(Files.isExecutable(java17), "no JDK 17 at " + java17 + ": skipped");
        ProcessBuilder pb = bridge.client(client, bridge.dir, "args", "on 17");
        pb.environment().put("CLAUDE_BRIDGE_JAVA", java17.toString());
        pb.environment()
                .put("CLAUDE_BRIDGE_CACHE", bridge.dir.resolve("cache17").toString());
        Bridge.Result r = Bridge.run(pb, new byte[0]);
        assertThat(r.status()).as(r.toString()).isZero();
        assertThat(r.out().strip()).isEqualTo(HexFormat.of().formatHex("on 17".getBytes(StandardCharsets.UTF_8)));
        assertThat(r.stderr()).isEmpty();
    }

    static String sha256(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }
}
