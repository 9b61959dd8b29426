package dev.claudebridge.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The operator's control, with the packaged daemon and real processes: ending a running request's
 * whole host tree from {@code claude-bridge end} (and nothing without the token, with a wrong one,
 * or from another origin), draining with {@code claude-bridge drain}, and readiness saying
 * "draining" and "stopping".
 */
class OperatorControlTest {
    @Test
    void anOperatorEndsARunningTreeAndOnlyWithTheTokenFromNoOtherOrigin() throws Exception {
        Path dir = Bridge.tempDir();
        Path claude = Bridge.script(dir, "/admin-claude.sh", "claude");
        try (Bridge bridge = Bridge.start(dir, Map.of(), Bridge.withClaude(claude, "--admin-listen", "127.0.0.1:0"));
                RunningTree tree = RunningTree.start(bridge)) {
            String admin = bridge.adminUrl();
            Path tokenFile = Operators.tokenFile(bridge);
            assertThat(Files.getPosixFilePermissions(tokenFile))
                    .extracting(Object::toString)
                    .containsExactlyInAnyOrder("OWNER_READ", "OWNER_WRITE");
            String token = Operators.token(bridge);
            String id = Operators.runningId(admin, "tree");
            String end = admin + "/api/requests/" + id + "/end";
            assertThat(tree.alive()).containsExactlyElementsOf(tree.pids);

            HttpResponse<String> none = Operators.post(end, "");
            HttpResponse<String> wrong = Operators.post(end, "", "Authorization", "Bearer not-" + token);
            HttpResponse<String> otherOrigin =
                    Operators.post(end, "", "Authorization", "Bearer " + token, "Origin", "http://127.0.0.1:1");
            HttpResponse<String> crossSite =
                    Operators.post(end, "", "Authorization", "Bearer " + token, "Sec-Fetch-Site", "cross-site");
            HttpResponse<String> get = AdminHttp.get(end, "Authorization", "Bearer " + token);
            assertThat(none.statusCode()).as(none.body()).isEqualTo(401);
            assertThat(none.headers().firstValue("WWW-Authenticate"))
                    .hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
            assertThat(wrong.statusCode()).as(wrong.body()).isEqualTo(401);
            assertThat(wrong.body()).contains("wrong operator token");
            assertThat(otherOrigin.statusCode()).as(otherOrigin.body()).isEqualTo(403);
            assertThat(crossSite.statusCode()).as(crossSite.body()).isEqualTo(403);
            assertThat(get.statusCode()).isEqualTo(405);
            Bridge.sleep(500);
            assertThat(tree.alive()).as("refused actions end nothing").containsExactlyElementsOf(tree.pids);
            assertThat(Operators.cli(
                                    "end",
                                    "--admin",
                                    admin,
                                    "--token-file",
                                    dir.resolve("no-such-token").toString(),
                                    id)
                            .status())
                    .isEqualTo(77);
            assertThat(tree.alive()).containsExactlyElementsOf(tree.pids);

            Bridge.Result ended = Operators.cli(
                    "end", "--admin", admin, "--token-file", tokenFile.toString(), "--operator", "alice", id);
            assertThat(ended.status()).as(ended.toString()).isZero();
            assertThat(ended.out()).contains("request " + id + " is being ended");

            assertThat(tree.awaitExit()).isEqualTo(128 + 15);
            assertThat(tree.stderr()).contains("claude-bridge: an operator (alice) ended this request");
            assertThat(tree.awaitGone()).as("the whole host tree is gone").isEmpty();
            JsonNode record = new AuditLines(bridge.auditLog()).awaitEndOfId(id);
            assertThat(record.path("ended_by").path("operator").asText()).isEqualTo("alice");
            assertThat(record.path("ended_by").path("auth").asText()).isEqualTo("operator-token");
            assertThat(record.path("ended_by").path("from").asText()).startsWith("127.0.0.1:");
            assertThat(record.path("outcome").asText()).isEqualTo("signal");
            assertThat(record.path("detail").asText()).contains("an operator (alice) ended this request");

            Bridge.Result again = Operators.cli("end", "--admin", admin, "--token-file", tokenFile.toString(), id);
            assertThat(again.status()).isEqualTo(1);
            assertThat(again.stderr()).contains("no live request " + id);
        }
    }

    @Test
    void drainFinishesTheRunningRequestRefusesNewOnesAndReadinessSaysSo() throws Exception {
        Path dir = Bridge.tempDir();
        Path claude = Bridge.script(dir, "/admin-claude.sh", "claude");
        Path marker = dir.resolve("release");
        Path adminSocket = dir.resolve("admin.sock");
        try (Bridge bridge = Bridge.start(
                dir,
                Map.of(),
                Bridge.withClaude(claude, "--admin-listen", "127.0.0.1:0", "--admin-socket", adminSocket.toString()))) {
            String admin = bridge.adminUrl();
            String tokenFile = Operators.tokenFile(bridge).toString();
            Process held = bridge.client(dir, "hold", marker.toString(), "0").start();
            CompletableFuture<byte[]> heldOut =
                    CompletableFuture.supplyAsync(() -> Bridge.readAll(held.getInputStream()));
            try {
                Operators.runningId(admin, "hold " + marker + " 0");
                Bridge.Result drain = Operators.cli("drain", "--admin", admin, "--token-file", tokenFile);
                assertThat(drain.status()).as(drain.toString()).isZero();

                HttpResponse<String> ready = AdminHttp.get(admin + "/readyz");
                assertThat(ready.statusCode()).isEqualTo(503);
                assertThat(ready.body()).startsWith("draining\n").contains("FAIL accepting: draining");
                assertThat(AdminHttp.status(admin).path("state").asText()).isEqualTo("draining");
                assertThat(AdminHttp.statusCommand("--admin", admin).out()).contains("NOT READY (draining)");

                Bridge.Result refused = bridge.run("exit", "0");
                assertThat(refused.status()).as(refused.toString()).isEqualTo(72);
                assertThat(refused.stderr()).contains("the bridge is draining");

                Files.writeString(marker, "");
                assertThat(held.waitFor(30, TimeUnit.SECONDS)).isTrue();
                assertThat(held.exitValue()).isZero();
                assertThat(new String(heldOut.join())).isEqualTo("holding\n");
                Bridge.Result waited = Operators.cli("drain", "--wait", "--admin", admin, "--token-file", tokenFile);
                assertThat(waited.status()).as(waited.toString()).isZero();
                assertThat(waited.out()).contains("drained: nothing is running or queued");

                // over the owner-only admin socket no token is needed
                Bridge.Result resume = Operators.cli(
                        "drain",
                        "--cancel",
                        "--admin",
                        "unix:" + adminSocket,
                        "--token-file",
                        dir.resolve("none").toString());
                assertThat(resume.status()).as(resume.toString()).isZero();
                assertThat(AdminHttp.get(admin + "/readyz").statusCode()).isEqualTo(200);
                assertThat(AdminHttp.status(admin).path("state").asText()).isEqualTo("serving");
                assertThat(bridge.run("exit", "0").status()).isZero();
                List<JsonNode> ends = new AuditLines(bridge.auditLog()).awaitEnds(3);
                assertThat(ends).anySatisfy(n -> {
                    assertThat(n.path("outcome").asText()).isEqualTo("shutting_down");
                    assertThat(n.path("rule").asText()).isEqualTo("drain");
                });
            } finally {
                Files.writeString(marker, "");
                held.waitFor(20, TimeUnit.SECONDS);
                held.destroyForcibly();
            }
        }
    }

    @Test
    void readinessSaysStoppingWhileAShutdownWaitsForARunningRequest() throws Exception {
        Path dir = Bridge.tempDir();
        Path claude = Bridge.script(dir, "/admin-claude.sh", "claude");
        Path marker = dir.resolve("release");
        try (Bridge bridge = Bridge.start(dir, Map.of(), Bridge.withClaude(claude, "--admin-listen", "127.0.0.1:0"))) {
            String admin = bridge.adminUrl();
            assertThat(AdminHttp.get(admin + "/readyz").body())
                    .startsWith("ready\n")
                    .contains("ok   accepting");
            Process held = bridge.client(dir, "hold", marker.toString(), "0").start();
            CompletableFuture.runAsync(() -> Bridge.readAll(held.getInputStream()));
            try {
                Operators.runningId(admin, "hold " + marker + " 0");
                ProcessHandle.of(bridge.daemonPid()).orElseThrow().destroy(); // SIGTERM: a graceful shutdown
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                HttpResponse<String> ready = AdminHttp.get(admin + "/readyz");
                while (!ready.body().startsWith("stopping") && System.nanoTime() < deadline) {
                    Bridge.sleep(50);
                    ready = AdminHttp.get(admin + "/readyz");
                }
                assertThat(ready.statusCode()).isEqualTo(503);
                assertThat(ready.body()).startsWith("stopping\n").contains("FAIL accepting: stopping");
                assertThat(AdminHttp.status(admin).path("state").asText()).isEqualTo("stopping");
                Files.writeString(marker, "");
                assertThat(held.waitFor(30, TimeUnit.SECONDS)).isTrue();
                assertThat(held.exitValue()).isZero();
                assertThat(bridge.daemon().waitFor(30, TimeUnit.SECONDS)).isTrue();
            } finally {
                Files.writeString(marker, "");
                held.waitFor(20, TimeUnit.SECONDS);
                held.destroyForcibly();
            }
        }
    }
}
