package dev.claudebridge.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.claudebridge.it.MessagesStandIn.Turn;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The real claude CLI, with the stand-in API, running a Bash tool that sleeps: an operator ends the
 * request over the admin socket (whose owner-only mode is the proof, no token) with {@code
 * claude-bridge end}; claude, its shell and the sleep are gone, the caller is told, the audit names the
 * operator.
 */
class OperatorEndsRealClaudeTest {
    private static final String SLEEP = "sleep 587";

    @Test
    void anOperatorEndsARealClaudeAndItsToolOverTheAdminSocket() throws Exception {
        Path adminDir = Bridge.tempDir();
        Path adminSocket = adminDir.resolve("admin.sock");
        try (RealClaudeHost host = RealClaudeHost.with("claude.real")
                .profile("allow-args: [\"--allowedTools=Bash\"]")
                .config("admin: { socket: \"" + adminSocket + "\" }")
                .start()) {
            host.api.script(Turn.toolUse("Bash", "{\"command\":\"" + SLEEP + "\"}"), Turn.text("never"));
            ProcessBuilder pb = host.environment(
                    new ProcessBuilder(host.executable(true), "-p", "go", "--allowedTools", "Bash")
                            .directory(host.project.toFile()),
                    true);
            Process caller = pb.start();
            caller.getOutputStream().close();
            CompletableFuture<byte[]> err =
                    CompletableFuture.supplyAsync(() -> Bridge.readAll(caller.getErrorStream()));
            CompletableFuture.runAsync(() -> Bridge.readAll(caller.getInputStream()));
            try {
                List<Long> tree = awaitToolTree(host);
                String admin = "unix:" + adminSocket;
                String id = runningId(admin);
                Bridge.Result ended = Operators.cli(
                        "end",
                        "--admin",
                        admin,
                        "--token-file",
                        adminDir.resolve("none").toString(),
                        "--operator",
                        "ops",
                        id);
                assertThat(ended.status()).as(ended.toString()).isZero();

                assertThat(caller.waitFor(60, TimeUnit.SECONDS)).isTrue();
                // claude itself exits 0 on SIGTERM; the caller must not see a success
                assertThat(caller.exitValue()).isEqualTo(128 + 15);
                assertThat(new String(err.join(), StandardCharsets.UTF_8))
                        .contains("claude-bridge: an operator (ops) ended this request");
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                while (tree.stream().anyMatch(Proc::running) && System.nanoTime() < deadline) {
                    Bridge.sleep(50);
                }
                assertThat(tree.stream().filter(Proc::running).toList())
                        .as("claude, its shell and the sleep are gone")
                        .isEmpty();
                JsonNode end = new AuditLines(host.auditLog()).awaitEndOfId(id);
                assertThat(end.path("ended_by").path("operator").asText()).isEqualTo("ops");
                assertThat(end.path("ended_by").path("auth").asText()).isEqualTo("admin-socket");
                assertThat(end.path("ended_by").path("from").asText()).isEqualTo(admin);
            } finally {
                caller.destroyForcibly();
            }
        } finally {
            Bridge.deleteTree(adminDir);
        }
    }

    /** The tool's sleep and each of its ancestors below the daemon (claude's shell, claude), once running. */
    private static List<Long> awaitToolTree(RealClaudeHost host) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (System.nanoTime() < deadline) {
            Optional<ProcessHandle> sleep = host.hostTree().stream()
                    .filter(h -> cmdline(h.pid()).equals(SLEEP))
                    .findFirst();
            if (sleep.isPresent()) {
                List<Long> chain = new ArrayList<>();
                Optional<ProcessHandle> p = sleep;
                while (p.isPresent() && p.get().pid() != host.bridge.daemonPid()) {
                    chain.add(p.get().pid());
                    p = p.get().parent();
                }
                return chain;
            }
            Bridge.sleep(100);
        }
        throw new AssertionError("the tool's " + SLEEP + " never ran; daemon log:\n" + host.bridge.log());
    }

    private static String cmdline(long pid) {
        try {
            return new String(
                            Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline")), StandardCharsets.UTF_8)
                    .replace('\0', ' ')
                    .strip();
        } catch (java.io.IOException e) {
            return "";
        }
    }

    private static String runningId(String admin) throws Exception {
        Bridge.Result r = AdminHttp.statusCommand("--json", "--admin", admin);
        for (JsonNode v : AdminHttp.JSON.readTree(r.out()).path("running")) {
            if (v.path("state").asText().equals("running")) {
                return v.path("id").asText();
            }
        }
        throw new AssertionError("nothing running: " + r);
    }
}
