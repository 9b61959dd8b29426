package dev.claudebridge.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A sandboxed profile is never run unconfined, and what the sandbox lacks is said where the operator
 * and the caller look: a daemon whose host has no bubblewrap refuses to start with such a profile and
 * refuses a reload that adds one (the old configuration keeps serving); a request the credential
 * proxy has no credential for is refused with the reason, audited, and the daemon serves on.
 */
class SandboxRefusalTest {
    private static Path dir;
    private static Path noBwrap;
    private static Path ws;
    private static Path claude;

    @BeforeAll
    static void setUp() throws IOException {
        dir = Bridge.tempDir();
        ws = Files.createDirectories(dir.resolve("ws")).toRealPath();
        claude = Bridge.fakeClaude(dir);
        noBwrap = pathWithout("bwrap");
    }

    @AfterAll
    static void tearDown() {
        if (dir != null) {
            Bridge.deleteTree(dir);
        }
    }

    /**
     * A directory of links to every program in /usr/bin but {@code program}: a PATH of the host's tools
     * on which the daemon cannot find it (a host where it is not installed).
     */
    private static Path pathWithout(String program) throws IOException {
        Path bin = Files.createDirectories(dir.resolve("bin-without-" + program));
        try (DirectoryStream<Path> all = Files.newDirectoryStream(Path.of("/usr/bin"))) {
            for (Path p : all) {
                if (!p.getFileName().toString().equals(program)) {
                    Files.createSymbolicLink(bin.resolve(p.getFileName()), p);
                }
            }
        }
        return bin;
    }

    private static Map<String, String> withoutBwrap() {
        return Map.of("PATH", noBwrap + ":/usr/sbin");
    }

    private static List<String> serveArgs(Path daemonDir, Path config) {
        return List.of(
                "--claude",
                claude.toString(),
                "--map",
                ws + "=" + ws,
                "--admin-listen",
                "off",
                "--audit-log",
                daemonDir.resolve("audit.log").toString(),
                "--config",
                config.toString());
    }

    @Test
    void aSandboxedProfileOnAHostWithoutBubblewrapStopsTheDaemon() throws Exception {
        Path d = Files.createDirectories(dir.resolve("no-start"));
        Path config = Bridge.writeConfig(d, "config.yaml", "profiles: { default: { sandbox: on } }\n");
        List<String> cmd = new ArrayList<>(List.of(
                Bridge.DAEMON.toString(),
                "serve",
                "--socket",
                d.resolve("b.sock").toString()));
        cmd.addAll(serveArgs(d, config));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().putAll(withoutBwrap());
        Process daemon = pb.start();
        String said = new String(Bridge.readAll(daemon.getInputStream()), StandardCharsets.UTF_8);
        assertThat(daemon.waitFor(60, TimeUnit.SECONDS)).as(said).isTrue();

        assertThat(daemon.exitValue()).as(said).isNotZero();
        assertThat(said)
                .as("the reason names the profile, bubblewrap and how to install it")
                .contains("[default]")
                .contains("bubblewrap (bwrap) is not installed")
                .contains("apt-get install bubblewrap");
        assertThat(d.resolve("b.sock")).as("it served nothing").doesNotExist();
        assertThat(new AuditLines(d.resolve("audit.log")).all()).isEmpty();
    }

    @Test
    void withoutSandboxedProfilesItServesAndRefusesAReloadThatAddsOne() throws Exception {
        Path d = Files.createDirectories(dir.resolve("reload"));
        Path config = Bridge.writeConfig(d, "config.yaml", "profiles: { default: {} }\n");
        Path admin = d.resolve("admin.sock");
        List<String> args = new ArrayList<>(serveArgs(d, config));
        args.addAll(List.of("--admin-socket", admin.toString()));
        try (Bridge bridge = Bridge.start(d, withoutBwrap(), args)) {
            assertServesUnsandboxed(bridge);
            assertThat(bridge.log())
                    .as("no profile needs one: not even tried")
                    .doesNotContain("no sandbox on this host");

            Files.writeString(config, "profiles: { default: { sandbox: on } }\n");
            Process reload = new ProcessBuilder(
                            Bridge.DAEMON.toString(),
                            "reload",
                            "--socket",
                            bridge.socket.toString(),
                            "--admin",
                            "unix:" + admin)
                    .redirectErrorStream(true)
                    .start();
            String said = new String(Bridge.readAll(reload.getInputStream()), StandardCharsets.UTF_8);
            assertThat(reload.waitFor(30, TimeUnit.SECONDS)).isTrue();
            // the file reads well; the daemon rejects it, and the operator hears so from the command
            assertThat(reload.exitValue()).as(said).isEqualTo(1);
            assertThat(said)
                    .contains("REJECTED by the daemon, which keeps its configuration")
                    .contains("bubblewrap (bwrap) is not installed");
            awaitLog(bridge, "no sandbox on this host", 1); // tried now, once
            String rejected = awaitLog(bridge, "configuration reload REJECTED", 1);
            assertThat(rejected)
                    .contains("[default]")
                    .contains("bubblewrap (bwrap) is not installed")
                    .contains("apt-get install bubblewrap");
            assertServesUnsandboxed(bridge);

            // the mapping form turns the sandbox on too
            Files.writeString(config, "profiles: { default: { sandbox: { read-only: [/opt] } } }\n");
            hangUp(bridge);
            awaitLog(bridge, "configuration reload REJECTED", 2);
            assertThat(bridge.log().split("no sandbox on this host", -1))
                    .as("not tried again: the reason stands until a restart")
                    .hasSize(2);
            assertServesUnsandboxed(bridge);
            assertThat(bridge.log()).doesNotContain("configuration reloaded from");
        }
    }

    /** A request runs on the host as before: had a sandboxed profile taken over, it would be refused (78). */
    private static void assertServesUnsandboxed(Bridge bridge) {
        Bridge.Result r = Bridge.run(bridge.client(ws, "cwd"), new byte[0]);
        assertThat(r.status()).as("%s%ndaemon log:%n%s", r, bridge.log()).isZero();
        assertThat(r.out().strip()).isEqualTo(ws.toString());
    }

    @Test
    void aRequestTheProxyHasNoCredentialForIsRefusedAndTheDaemonServesOn() throws Exception {
        Bridge.assumeBubblewrap();
        Path d = Files.createDirectories(dir.resolve("no-credential"));
        Path home = Files.createDirectories(d.resolve("home"));
        Path config = Bridge.writeConfig(d, "config.yaml", "profiles: { default: { sandbox: on } }\n");
        // no credential in the daemon's environment, none in its HOME, no credential-file
        try (Bridge bridge = Bridge.start(
                d,
                name -> name.startsWith("ANTHROPIC_") || name.equals("CLAUDE_CODE_OAUTH_TOKEN"),
                Map.of("HOME", home.toString()),
                serveArgs(d, config))) {
            awaitLog(bridge, "sandboxed requests are refused until the API proxy has a credential", 1);
            AuditLines audit = new AuditLines(d.resolve("audit.log"));
            Bridge.Result refused = Bridge.run(bridge.client(ws, "cwd"), new byte[0]);
            assertThat(refused.status()).as(refused.toString()).isEqualTo(71);
            assertThat(refused.out()).isEmpty();
            assertThat(refused.stderr())
                    .as("what is missing, where the daemon looked and what to do")
                    .contains("no credential")
                    .contains(home.resolve(".claude/.credentials.json").toString())
                    .contains("the request was not run")
                    .contains("log in with claude")
                    .contains("claude.credential-file");
            JsonNode end = requestEnds(audit, 1).getFirst();
            assertThat(end.path("outcome").asText()).isEqualTo("spawn_failed");
            assertThat(end.path("decision").asText()).isEqualTo("failed");
            assertThat(end.path("detail").asText()).contains("no credential");
            assertThat(end.path("rule").asText()).isEqualTo("sandbox");
            assertThat(end.has("started")).as("nothing ran").isFalse();

            // the host logs in: the next request is served, in the sandbox, without a restart
            Files.writeString(
                    Files.createDirectories(home.resolve(".claude")).resolve(".credentials.json"),
                    "{\"claudeAiOauth\":{\"accessToken\":\"sk-ant-oat01-logged-in-later\"}}");
            Bridge.Result served = Bridge.run(bridge.client(ws, "env", "IS_SANDBOX"), new byte[0]);
            assertThat(served.status())
                    .as("%s%ndaemon log:%n%s", served, bridge.log())
                    .isZero();
            assertThat(served.out()).contains("IS_SANDBOX=1");
            assertThat(requestEnds(audit, 2).get(1).path("outcome").asText()).isEqualTo("exit");
        }
    }

    /** The end records of requests (not of the fixture's probe connection, which sent none); waits for n. */
    private static List<JsonNode> requestEnds(AuditLines audit, int n) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        List<JsonNode> ends = List.of();
        while (ends.size() < n && System.nanoTime() < deadline) {
            ends = audit.ends().stream()
                    .filter(e -> !e.path("cwd").asText().isEmpty())
                    .toList();
            Bridge.sleep(20);
        }
        assertThat(ends).as("request end records in %s", audit.file()).hasSizeGreaterThanOrEqualTo(n);
        return ends;
    }

    private static void hangUp(Bridge bridge) throws Exception {
        Process kill = new ProcessBuilder("kill", "-HUP", Long.toString(bridge.daemonPid()))
                .inheritIO()
                .start();
        assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(kill.exitValue()).isZero();
    }

    /** Waits (30 s at most) for the n-th log line containing {@code text}; returns that line. */
    private static String awaitLog(Bridge bridge, String text, int n) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        Pattern line = Pattern.compile("(?m)^.*" + Pattern.quote(text) + ".*$");
        while (System.nanoTime() < deadline) {
            List<String> found = line.matcher(bridge.log())
                    .results()
                    .map(java.util.regex.MatchResult::group)
                    .toList();
            if (found.size() >= n) {
                return found.get(n - 1);
            }
            Bridge.sleep(50);
        }
        throw new AssertionError("the daemon did not log '" + text + "' " + n + " time(s):\n" + bridge.log());
    }
}
