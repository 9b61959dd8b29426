package dev.claudebridge.it;

import static dev.claudebridge.it.DockerEnv.check;
import static dev.claudebridge.it.DockerEnv.docker;
import static dev.claudebridge.it.DockerEnv.run;
import static org.assertj.core.api.Assertions.assertThat;

import dev.claudebridge.it.DockerEnv.Result;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * docker-compose.yml's other layout, profile bridge-container: the bridge in a container
 * (Dockerfile.bridge on the offline Java base), serving the three agents' sockets from
 * compose-bridge.yaml, running the host user's claude from the host user's home, mounted read-write at
 * the same path, as that user. The only additions (an override file) are what the test's stand-in
 * needs: the API's address and key, the network it listens on, and the real CLI's install directory,
 * which the home's ~/.local/bin/claude points into as the native installer's link does.
 */
class DockerBridgeContainerTest {
    private static final String BRIDGE_UID = "4310";
    private static final String KEY = "sk-test-standin-bridge-container";

    @Test
    void theContainerisedBridgeServesTheAgentsAsTheHostUser() throws Exception {
        DockerEnv.unavailable().ifPresent(why -> Assumptions.abort("containers cannot run here: " + why));
        Path claude = DockerEnv.realClaude().orElse(null);
        Assumptions.assumeTrue(
                claude != null,
                "the real claude CLI is not installed (./build.sh test installs it into .tools/): skipped");
        long t0 = System.nanoTime();
        Path work = Files.createTempDirectory("cb-bridge-ctr-");
        String id = Long.toString(ProcessHandle.current().pid());
        String tag = "e2e-" + id;
        String network = "cbstandin" + id;
        DockerCompose compose = null;
        MessagesStandIn api = null;
        try {
            Path release = DockerEnv.unpackRelease(work);
            Path deploy = release.resolve("deploy");
            DockerEnv.buildImages(release, tag);
            check(run(docker("network", "create", network), Map.of(), null, null, 60));
            String gateway = check(run(
                            docker("network", "inspect", "-f", "{{(index .IPAM.Config 0).Gateway}}", network),
                            Map.of(),
                            null,
                            null,
                            60))
                    .out()
                    .strip();
            api = new MessagesStandIn(InetAddress.getByName(gateway));

            Path home = Files.createDirectories(work.resolve("home/claude-user"));
            Files.writeString(home.resolve(".claude.json"), "{\"hasCompletedOnboarding\":true}");
            Path run = Files.createDirectories(work.resolve("run"));
            for (int n = 1; n <= 3; n++) {
                Files.createDirectories(run.resolve("claude-bridge-agent-" + n));
                Files.createDirectories(deploy.resolve("project-" + n));
            }
            Path claudeDir = claude.toRealPath().getParent();
            Files.writeString(deploy.resolve("test-override.yml"), """
                    services:
                      bridge:
                        environment:
                          ANTHROPIC_BASE_URL: "%s"
                          ANTHROPIC_API_KEY: "%s"
                          DISABLE_AUTOUPDATER: "1"
                          CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: "1"
                        volumes:
                          - { type: bind, source: "%s", target: "%s", read_only: true }
                        networks: [default, standin]
                    networks:
                      standin: { external: true, name: %s }
                    """.formatted(
                            api.baseUrl(), KEY, claudeDir, claudeDir, network));
            check(run(
                    List.of(
                            "chown",
                            "-R",
                            BRIDGE_UID + ":" + BRIDGE_UID,
                            work.resolve("home").toString(),
                            run.toString()),
                    Map.of(),
                    null,
                    null,
                    60));
            check(run(List.of("chmod", "755", work.toString()), Map.of(), null, null, 60));

            compose = new DockerCompose(
                    "cbctr" + id,
                    deploy,
                    List.of("docker-compose.yml", "test-override.yml"),
                    Map.of(
                            "HOME",
                            home.toString(),
                            "BRIDGE_RUN",
                            run.toString(),
                            "BRIDGE_UID",
                            BRIDGE_UID,
                            "BRIDGE_GID",
                            BRIDGE_UID,
                            "AGENT_UID",
                            "4311",
                            "AGENT_GID",
                            "4311",
                            "CLAUDE_BRIDGE_TAG",
                            tag));
            long t = System.nanoTime();
            check(compose.compose(300, "--profile", "bridge-container", "up", "-d", "--no-build"));
            DockerEnv.step("docker-compose --profile bridge-container up -d", t);
            DockerCompose c = compose;

            // No claude in the home yet: the socket is there, but the daemon is not ready, and the health check says so
            Path socket = run.resolve("claude-bridge-agent-1/claude-code-bridge.sock");
            assertThat(DockerEnv.await(() -> Files.exists(socket, LinkOption.NOFOLLOW_LINKS), 120))
                    .as("the bridge made its socket")
                    .isTrue();
            List<String> probe = healthCheck(c);
            assertThat(check(c.exec("bridge", "test", "-S", "/run/claude-bridge-agent-1/claude-code-bridge.sock"))
                            .status())
                    .as("the socket exists (what the old health check tested)")
                    .isZero();
            assertThat(c.exec("bridge", probe.toArray(String[]::new)).status())
                    .as("the health check while claude cannot be found")
                    .isNotZero();
            assertThat(c.inspect("bridge", "{{.State.Running}}"))
                    .as("the daemon runs meanwhile")
                    .isEqualTo("true");
            assertThat(readyz(c))
                    .as("why it is not ready")
                    .contains("FAIL claude")
                    .contains("ok   listening");

            // the native installer's link, in the mounted home: now the daemon is ready, and Docker calls it healthy
            Files.createDirectories(home.resolve(".local/bin"));
            Files.createSymbolicLink(home.resolve(".local/bin/claude"), claude.toRealPath());
            check(run(
                    List.of(
                            "chown",
                            "-R",
                            "-h",
                            BRIDGE_UID + ":" + BRIDGE_UID,
                            home.resolve(".local").toString()),
                    Map.of(),
                    null,
                    null,
                    60));
            boolean ready = DockerEnv.await(
                    () -> c.exec("bridge", probe.toArray(String[]::new)).status() == 0, 240);
            assertThat(ready)
                    .as(
                            "the health check once claude is there: %s%nbridge log:%n%s",
                            ready ? "" : readyz(c),
                            ready
                                    ? ""
                                    : c.compose(60, "logs", "--tail", "30", "bridge")
                                            .out())
                    .isTrue();
            t = System.nanoTime();
            assertThat(DockerEnv.await(
                            () -> c.inspect("bridge", "{{.State.Health.Status}}")
                                    .equals("healthy"),
                            180))
                    .as("Docker's health status")
                    .isTrue();
            DockerEnv.step("bridge healthy", t);

            // a prompt with a tool call, from agent-1, run by the containerised bridge in agent-1's project
            String content = "agent-1's note " + System.nanoTime();
            Files.writeString(deploy.resolve("project-1/note.txt"), content);
            api.script(
                    MessagesStandIn.Turn.toolUse("Read", "{\"file_path\":\"/srv/claude-bridge/project-1/note.txt\"}"),
                    MessagesStandIn.Turn.text("read it"));
            FileTime before = FileTime.fromMillis(System.currentTimeMillis() - 1000);
            t = System.nanoTime();
            Result r = c.composeExec("agent-1", "claude", "-p", "read the note");
            DockerEnv.step("claude -p through the containerised bridge", t);
            assertThat(r.status())
                    .as(r + "\nbridge log:\n"
                            + c.compose(60, "logs", "--tail", "30", "bridge").out())
                    .isZero();
            assertThat(r.out()).contains("read it");
            assertThat(api.agentLoopBodies()).anyMatch(b -> b.contains("tool_result") && b.contains(content));
            assertThat(api.received())
                    .allMatch(q -> q.apiKey().isEmpty() || q.apiKey().equals(KEY));

            // claude wrote its state into the mounted home, as the host user: the read-write mount is what lets it
            List<Path> written = writtenSince(home.resolve(".claude"), before);
            written.addAll(writtenSince(home.resolve(".claude.json"), before));
            assertThat(written).as("files claude wrote in the home").isNotEmpty();
            for (Path p : written) {
                assertThat(Files.getAttribute(p, "unix:uid", LinkOption.NOFOLLOW_LINKS))
                        .as(p + " owner")
                        .isEqualTo(Integer.parseInt(BRIDGE_UID));
            }
            // and the audit log, in the home too (the daemon's default for a non-root user)
            assertThat(Files.readString(home.resolve(".local/state/claude-bridge/audit.log")))
                    .contains("\"profile\":\"agent-1\"");

            // restarted: the agent keeps working without a restart of its own
            String agentStarted = c.inspect("agent-1", "{{.State.StartedAt}}");
            check(c.compose(300, "restart", "bridge"));
            assertThat(DockerEnv.await(
                            () -> c.exec("agent-1", "claude", "--version").status() == 0, 120))
                    .as("agent-1 after the bridge restarted")
                    .isTrue();
            assertThat(c.inspect("agent-1", "{{.State.StartedAt}}")).isEqualTo(agentStarted);

            // stopped with more time than the daemon's own shutdown grace: it exits by itself, not by SIGKILL
            assertThat(c.inspect("bridge", "{{.Config.StopTimeout}}")).isEqualTo("40");
            check(c.compose(300, "--profile", "bridge-container", "stop", "bridge"));
            assertThat(c.inspect("bridge", "{{.State.ExitCode}}"))
                    .as("the daemon's exit status after docker stop")
                    .isIn("0", "143");

            t = System.nanoTime();
            Result down = c.compose(300, "--profile", "bridge-container", "down", "--volumes", "--remove-orphans");
            compose = null;
            assertThat(down.status()).as(down.toString()).isZero();
            assertThat(c.leftovers()).isEmpty();
            DockerEnv.step("docker-compose down", t);
            DockerEnv.step("the containerised bridge, all of it", t0);
        } finally {
            if (compose != null) {
                System.out.println(
                        compose.compose(300, "--profile", "bridge-container", "down", "--volumes", "--remove-orphans"));
            }
            run(docker("network", "rm", network), Map.of(), null, null, 60);
            if (api != null) {
                api.close();
            }
            DockerEnv.removeImages(tag);
            DockerEnv.deleteTree(work);
        }
    }

    /** The daemon's own /readyz answer, asked inside the bridge container. */
    private static String readyz(DockerCompose c) {
        return c.exec(
                        "bridge",
                        "bash",
                        "-c",
                        "exec 3<>/dev/tcp/127.0.0.1/9777 && printf 'GET /readyz HTTP/1.0\\r\\n\\r\\n' >&3 && cat <&3")
                .out();
    }

    /** The bridge's health check command, as Docker runs it (CMD form). */
    private static List<String> healthCheck(DockerCompose c) {
        String json = c.inspect("bridge", "{{json .Config.Healthcheck.Test}}");
        List<String> test = new ArrayList<>(new org.yaml.snakeyaml.Yaml().<List<String>>load(json));
        assertThat(test.getFirst()).isEqualTo("CMD");
        return test.subList(1, test.size());
    }

    private static List<Path> writtenSince(Path p, FileTime since) throws IOException {
        if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
            return new ArrayList<>();
        }
        try (Stream<Path> s = Files.walk(p)) {
            return new ArrayList<>(s.filter(f -> Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS))
                    .filter(f -> {
                        try {
                            return Files.getLastModifiedTime(f).compareTo(since) >= 0;
                        } catch (IOException e) {
                            return false;
                        }
                    })
                    .toList());
        }
    }
}
