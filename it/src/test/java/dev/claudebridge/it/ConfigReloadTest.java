package dev.claudebridge.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** SIGHUP and {@code claude-bridge reload}: new requests get the new file, running ones keep theirs, a bad file changes nothing. */
class ConfigReloadTest {
    private Path dir;
    private Path ws;
    private Path config;
    private Bridge bridge;

    private String yaml(String extra) {
        return """
                claude: { path: %s }
                listeners: [ { socket: %s } ]
                profiles:
                  default:
                    mappings: ["%s=%s"]
                    env-allow: [POLICY_SLEEP]
                    rate: { per-minute: 0 }
                    max-running: 64
                %s
                audit: { path: %s }
                admin: { socket: %s }
                """.formatted(
                        dir.resolve("policy-claude"),
                        dir.resolve("b.sock"),
                        ws,
                        ws,
                        extra,
                        dir.resolve("audit.log"),
                        dir.resolve("admin.sock"));
    }

    @BeforeEach
    void start() throws IOException {
        dir = Bridge.tempDir();
        ws = Files.createDirectories(dir.resolve("ws")).toRealPath();
        Bridge.policyClaude(dir);
        config = Bridge.writeConfig(dir, "config.yaml", yaml(""));
        bridge = Bridge.startWithConfig(dir, Map.of(), config);
    }

    @AfterEach
    void stop() {
        bridge.close();
    }

    private Bridge.Result run(String... args) {
        return Bridge.run(bridge.client(ws, args), new byte[0]);
    }

    private void hangUp() throws Exception {
        Process kill = new ProcessBuilder("kill", "-HUP", Long.toString(bridge.daemonPid()))
                .inheritIO()
                .start();
        assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(kill.exitValue()).isZero();
    }

    /** {@code claude-bridge reload} for this daemon, as an operator runs it; it must be done within 30 s. */
    private Bridge.Result reloadCommand() {
        long start = System.nanoTime();
        Bridge.Result r = Operators.cli("reload", "--socket", bridge.socket.toString());
        assertThat(System.nanoTime() - start).as("the reload command's run").isLessThan(TimeUnit.SECONDS.toNanos(30));
        return r;
    }

    /** Waits for the n-th occurrence of a log line (10 s at most). */
    private void awaitLog(String text, int n) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            if (bridge.log().split(java.util.regex.Pattern.quote(text), -1).length - 1 >= n) {
                return;
            }
            Bridge.sleep(20);
        }
        throw new AssertionError("the daemon did not log '" + text + "' " + n + " time(s):\n" + bridge.log());
    }

    @Test
    void reloadCommandAppliesTheNewPolicyToNewRequests() throws Exception {
        assertThat(run("--enable-auto-mode", "-p", "hi").status()).isEqualTo(78);
        Files.writeString(config, yaml("    allow-args: [--enable-auto-mode]"));
        Bridge.Result reload = reloadCommand();
        String said = reload.out() + reload.stderr();
        assertThat(reload.status()).as(said).isZero();
        assertThat(said)
                .contains("sent SIGHUP to the daemon (pid " + bridge.daemonPid() + ")")
                .contains(config.toString());
        awaitLog("configuration reloaded from " + config, 1);
        Bridge.Result r = run("--enable-auto-mode", "-p", "hi");
        assertThat(r.status()).as(r.toString()).isZero();
    }

    @Test
    void reloadCommandWaitsForTheDaemonsVerdictOnItsAdminSocket() throws Exception {
        Files.writeString(config, yaml("    allow-args: [--enable-auto-mode]"));
        Bridge.Result reload = reloadCommand();
        String said = reload.out() + reload.stderr();
        assertThat(reload.status()).as(said).isZero();
        // the verdict, not a pointer to the log: by the time the command returns, the new policy serves
        assertThat(said).contains("the new configuration is in force: profiles [default]");
        Bridge.Result r = run("--enable-auto-mode", "-p", "hi");
        assertThat(r.status()).as(r.toString()).isZero();
        // a change the daemon cannot take without a restart is named in the verdict
        Files.writeString(config, yaml("").replace("b.sock", "other.sock"));
        reload = reloadCommand();
        said = reload.out() + reload.stderr();
        assertThat(reload.status()).as(said).isZero();
        assertThat(said).contains("needs a restart to take effect: listeners");
    }

    @Test
    void aBadFileIsRejectedAndTheOldPolicyStays() throws Exception {
        Files.writeString(config, yaml("    allow-args: [--enable-auto-mode]\n    max-runing: 3"));
        Bridge.Result reload = reloadCommand();
        String said = reload.out() + reload.stderr();
        assertThat(reload.status()).isEqualTo(1);
        assertThat(said)
                .contains(config + ":10: profiles.default.max-runing: unknown key")
                .contains("not reloading");
        hangUp(); // the daemon checks for itself too
        awaitLog("configuration reload REJECTED", 1);
        assertThat(bridge.log()).contains(config + ":10: profiles.default.max-runing: unknown key");
        assertThat(run("--enable-auto-mode", "-p", "hi").status()).isEqualTo(78);
        assertThat(run("-p", "still", "works").status()).isZero();
    }

    @Test
    void aRunningRequestKeepsItsPolicy() throws Exception {
        ProcessBuilder slow = bridge.client(ws, "-p", "slow");
        slow.environment().put("POLICY_SLEEP", "2");
        CompletableFuture<Bridge.Result> running = CompletableFuture.supplyAsync(() -> Bridge.run(slow, new byte[0]));
        AuditLines audit = new AuditLines(dir.resolve("audit.log"));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (audit.all().stream().noneMatch(n -> n.path("event").asText().equals("start"))
                && System.nanoTime() < deadline) {
            Bridge.sleep(20); // until its process has started
        }
        Files.writeString(
                config,
                yaml("").replace("mappings: [\"" + ws + "=" + ws + "\"]", "mappings: [\"/elsewhere=" + dir + "\"]"));
        hangUp();
        awaitLog("configuration reloaded", 1);
        Bridge.Result after = run("-p", "new");
        assertThat(after.status()).as(after.toString()).isEqualTo(65); // the new mappings no longer cover ws
        Bridge.Result before = running.get(30, TimeUnit.SECONDS);
        assertThat(before.status()).as(before.toString()).isZero();
        assertThat(before.out()).contains("cwd=" + ws, "arg=slow");
    }

    @Test
    void reloadingUnderLoadDropsNoRequest() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(6);
        try {
            List<CompletableFuture<Bridge.Result>> all = new ArrayList<>();
            for (int i = 0; i < 36; i++) {
                String n = "n" + i;
                all.add(CompletableFuture.supplyAsync(() -> Bridge.run(bridge.client(ws, "-p", n), new byte[0]), pool));
            }
            for (int i = 1; i <= 5; i++) {
                Files.writeString(config, yaml(i % 2 == 0 ? "" : "    allow-args: [--enable-auto-mode]"));
                hangUp();
                awaitLog("configuration reloaded", i);
                Bridge.sleep(150);
            }
            for (int i = 0; i < all.size(); i++) {
                Bridge.Result r = all.get(i).get(120, TimeUnit.SECONDS);
                assertThat(r.status()).as("request %d: %s", i, r).isZero();
                assertThat(r.out()).contains("arg=n" + i);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(bridge.log()).doesNotContain("REJECTED");
    }
}
