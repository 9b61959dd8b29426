package dev.claudebridge.it;

import static dev.claudebridge.it.DockerEnv.check;
import static dev.claudebridge.it.DockerEnv.run;
import static org.assertj.core.api.Assertions.assertThat;

import dev.claudebridge.it.DockerEnv.Result;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * DEPLOY.md's "Five minutes with Docker", run as it stands in the release archive's copy of the page:
 * by a plain user in the docker group (not root), in an empty directory holding the two archives, with
 * the real Claude Code CLI as that user's `claude` (the Messages API stand-in behind it). Only the
 * image's name is made unique to this run.
 */
class DockerQuickstartTest {
    private static final int USER = 4300;
    private static final Pattern BLOCK =
            Pattern.compile("<!-- quickstart -->\\s*```sh\\n(.*?)```\\s*<!-- /quickstart -->", Pattern.DOTALL);

    @Test
    void theFiveMinutePathWorksAsWritten() throws Exception {
        DockerEnv.unavailable().ifPresent(why -> Assumptions.abort("containers cannot run here: " + why));
        Path claude = DockerEnv.realClaude().orElse(null);
        Assumptions.assumeTrue(
                claude != null,
                "the real claude CLI is not installed (./build.sh test installs it into .tools/): skipped");
        String dockerGroup = check(run(List.of("getent", "group", "docker"), Map.of(), null, null, 30))
                .out()
                .split(":")[2];
        Assumptions.assumeTrue(
                "root".equals(System.getProperty("user.name")), "needs root to run the path as a plain user");

        Path work = Files.createTempDirectory("cb-quickstart-");
        String image = "claude-bridge-agent:qs-" + ProcessHandle.current().pid();
        try (MessagesStandIn api = new MessagesStandIn()) {
            Path dir = Files.createDirectories(work.resolve("newcomer"));
            Path home = Files.createDirectories(work.resolve("home"));
            Path bin = Files.createDirectories(work.resolve("bin"));
            Files.writeString(home.resolve(".claude.json"), "{\"hasCompletedOnboarding\":true}");
            // the newcomer's own copy: the checkout holding .tools may sit in a directory the plain user
            // cannot enter (a private temporary clone), so a link would not do (and the chown below would
            // reach a hard link's original)
            Files.copy(claude.toRealPath(), bin.resolve("claude"));
            Files.setPosixFilePermissions(
                    bin.resolve("claude"), java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
            Files.createSymbolicLink(bin.resolve("docker"), Path.of(DockerEnv.DOCKER));
            Path release = DockerEnv.unpackRelease(Files.createDirectories(work.resolve("unpacked")));
            String doc = Files.readString(release.resolve("docs/DEPLOY.md"));
            Matcher m = BLOCK.matcher(doc);
            assertThat(m.find()).as("DEPLOY.md has the quickstart block").isTrue();
            String block =
                    m.group(1).replace("VERSION", DockerEnv.version()).replace("claude-bridge-agent ", image + " ");
            for (Path archive : List.of(
                    DockerEnv.target().resolve("claude-bridge-" + DockerEnv.version() + ".tar.gz"),
                    DockerEnv.target()
                            .resolve("claude-bridge-client-" + DockerEnv.version() + "-linux-" + arch() + ".tar.gz"))) {
                Files.copy(archive, dir.resolve(archive.getFileName()));
            }
            // a shell that ends the background daemon even if a line fails
            Path script = work.resolve("quickstart.sh");
            Files.writeString(script, "set -euo pipefail\ntrap 'kill $(jobs -p) 2>/dev/null || true' EXIT\n" + block);
            check(run(List.of("chown", "-R", USER + ":" + USER, work.toString()), Map.of(), null, null, 60));
            check(run(List.of("chmod", "755", work.toString()), Map.of(), null, null, 60));

            long t = System.nanoTime();
            List<String> cmd = new ArrayList<>(List.of(
                    "env",
                    "-i",
                    "HOME=" + home,
                    "PATH=" + bin + ":/usr/bin:/bin",
                    "JAVA_HOME=" + System.getProperty("java.home"),
                    "ANTHROPIC_BASE_URL=" + api.baseUrl(),
                    "ANTHROPIC_API_KEY=sk-test-standin-quickstart",
                    "DISABLE_AUTOUPDATER=1",
                    "CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC=1"));
            cmd.addAll(List.of(
                    "setpriv",
                    "--reuid=" + USER,
                    "--regid=" + USER,
                    "--groups=" + dockerGroup,
                    "bash",
                    script.toString()));
            Result r = run(cmd, Map.of(), dir, null, 600);
            DockerEnv.step("the five-minute path (build, daemon, docker run)", t);
            assertThat(r.status()).as(r.toString()).isZero();
            assertThat(r.out()).contains(MessagesStandIn.REPLY);
            assertThat(api.received()).anyMatch(q -> q.body().contains("Say hello"));
        } finally {
            run(DockerEnv.docker("rmi", "-f", image), Map.of(), null, null, 120);
            DockerEnv.deleteTree(work);
        }
    }

    private static String arch() {
        String a = System.getProperty("os.arch");
        return "amd64".equals(a) ? "x86_64" : a;
    }
}
