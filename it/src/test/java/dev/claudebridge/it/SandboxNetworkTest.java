package dev.claudebridge.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A sandboxed profile's network allow-list with the real claude: a scripted Bash turn's {@code curl},
 * using only the proxy the sandbox's environment names, reaches a loopback HTTP server the profile lists
 * and not a second one beside it; the same turn through a sandboxed profile without the list reaches
 * neither, so each check can fail.
 */
class SandboxNetworkTest {
    private static final String LISTED_BODY = "listed-server-says-hello";

    private static Path dir;
    private static Path workspace;
    private static MessagesStandIn api;
    private static Site listed;
    private static Site unlisted;
    private static Bridge networked;
    private static Bridge closed;

    /** A loopback HTTP server that counts its requests. */
    private record Site(HttpServer server, AtomicInteger hits) {
        static Site start(String body) throws IOException {
            HttpServer s = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            AtomicInteger hits = new AtomicInteger();
            s.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
            s.createContext("/", ex -> {
                hits.incrementAndGet();
                byte[] b = body.getBytes(StandardCharsets.UTF_8);
                ex.sendResponseHeaders(200, b.length);
                try (OutputStream out = ex.getResponseBody()) {
                    out.write(b);
                }
            });
            s.start();
            return new Site(s, hits);
        }

        String url() {
            return "http://127.0.0.1:" + server.getAddress().getPort() + "/";
        }
    }

    @BeforeAll
    static void start() throws IOException {
        String claude = System.getProperty("claude.real", "");
        Assumptions.assumeTrue(
                !claude.isBlank() && Files.isExecutable(Path.of(claude)),
                "the real claude CLI is not installed (./build.sh test installs it into .tools/): skipped");
        Assumptions.assumeTrue(
                Files.isExecutable(Path.of("/usr/bin/bwrap")) && Files.isExecutable(Path.of("/usr/bin/curl")),
                "bubblewrap or curl is not installed (./build.sh test installs them): skipped");
        dir = Bridge.tempDir();
        Path home = Files.createDirectories(dir.resolve("home"));
        Files.writeString(home.resolve(".claude.json"), "{\"hasCompletedOnboarding\":true}");
        workspace = Files.createDirectories(dir.resolve("agents/a"));
        api = new MessagesStandIn();
        listed = Site.start(LISTED_BODY);
        unlisted = Site.start("unlisted-server-must-not-answer");
        Map<String, String> env = Map.of(
                "HOME",
                home.toString(),
                "ANTHROPIC_BASE_URL",
                api.baseUrl(),
                "ANTHROPIC_API_KEY",
                "sk-ant-api03-the-hosts-real-key",
                "DISABLE_AUTOUPDATER",
                "1");
        String allowArgs = "allow-args: [\"--dangerously-skip-permissions\"]";
        int port = listed.server().getAddress().getPort();
        networked = SandboxRuns.daemon(
                dir,
                "networked",
                claude,
                env,
                workspace,
                "{ sandbox: { network: [\"127.0.0.1:" + port + "\"] }, " + allowArgs + " }");
        closed = SandboxRuns.daemon(dir, "closed", claude, env, workspace, "{ sandbox: on, " + allowArgs + " }");
    }

    @AfterAll
    static void stop() throws IOException {
        for (Site s : new Site[] {listed, unlisted}) {
            if (s != null) {
                s.server().stop(0);
            }
        }
        if (api != null) {
            api.close();
        }
        for (Bridge b : new Bridge[] {networked, closed}) {
            if (b != null) {
                b.close();
            }
        }
        if (dir != null) {
            Bridge.deleteTree(dir);
        }
    }

    /**
     * {@code --noproxy ''} only sets aside the sandbox's {@code NO_PROXY}, which keeps 127.0.0.1 (the
     * sandbox's own loopback) away from the proxy; the proxy itself is what the environment names.
     */
    private static String script() {
        return "curl -sS --noproxy '' " + listed.url() + "; echo; curl -sS --noproxy '' -p " + listed.url()
                + "; echo; curl -sS --noproxy '' " + unlisted.url() + " 2>&1; echo; env | grep -i _proxy | sort";
    }

    @Test
    void curlReachesTheListedServerAndNotTheOther() {
        int listedBefore = listed.hits().get();
        String result = bash(networked, script());
        assertThat(result)
                .as("forwarded (plain HTTP) and tunnelled (CONNECT, curl -p) to the listed server")
                .containsSubsequence(LISTED_BODY, LISTED_BODY)
                .contains("claude-bridge: 127.0.0.1:"
                        + unlisted.server().getAddress().getPort() + " is not in this profile's network allow-list")
                .contains("HTTPS_PROXY=http://127.0.0.1:3128")
                .contains("NO_PROXY=localhost,127.0.0.1");
        assertThat(listed.hits().get() - listedBefore).isEqualTo(2);
        assertThat(unlisted.hits()).as("the unlisted server was not reached").hasValue(0);
        assertThat(networked.log())
                .as("the refusal is in the daemon's log")
                .contains("network proxy refused GET http://127.0.0.1:"
                        + unlisted.server().getAddress().getPort());
    }

    @Test
    void withoutAListNothingIsReached() {
        int listedBefore = listed.hits().get();
        String result = bash(closed, script());
        assertThat(result).doesNotContain(LISTED_BODY).doesNotContain("HTTPS_PROXY");
        assertThat(listed.hits().get()).isEqualTo(listedBefore);
        assertThat(unlisted.hits()).hasValue(0);
    }

    private static String bash(Bridge bridge, String command) {
        return SandboxRuns.bash(api, bridge, workspace, "--dangerously-skip-permissions", command);
    }
}
