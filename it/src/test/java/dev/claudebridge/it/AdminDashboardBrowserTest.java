package dev.claudebridge.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The live dashboard in a real headless Chromium, driven by playwright-core from a small Node script
 * (it/src/test/browser/dashboard.mjs): the page loads without console errors, a long-running request
 * shows up while it runs and moves to the finished list with its exit status once it ends. The two
 * screenshots are kept under it/target/admin-dashboard/.
 */
class AdminDashboardBrowserTest {

    @Test
    void aLongRequestAppearsWhileItRunsAndMovesToFinishedWithItsExitStatus() throws Exception {
        BrowserScript.assumeBrowser();

        Path dir = Bridge.tempDir();
        Path claude = Bridge.script(dir, "/admin-claude.sh", "claude");
        Path marker = dir.resolve("release-the-request");
        try (Bridge bridge = Bridge.start(dir, Map.of(), Bridge.withClaude(claude, "--admin-listen", "127.0.0.1:0"))) {
            String admin = bridge.adminUrl();
            assertThat(Bridge.run(bridge.client(dir, "exit", "0"), new byte[0]).status())
                    .isZero(); // something in the finished list already
            Process held = bridge.client(dir, "hold", marker.toString(), "3").start();
            CompletableFuture<byte[]> heldOut =
                    CompletableFuture.supplyAsync(() -> Bridge.readAll(held.getInputStream()));
            try {
                JsonNode r = BrowserScript.run(
                        "dashboard.mjs",
                        Map.of("DASHBOARD_URL", admin + "/", "TOKEN", marker.toString(), "MARKER", marker.toString()),
                        120);
                assertThat(r.get("consoleErrors")).as("console errors").isEmpty();
                assertThat(r.get("steps"))
                        .extracting(JsonNode::asText)
                        .containsExactly(
                                "live: live",
                                "ready: ready",
                                "running state: running",
                                "running tile: 1",
                                "finished result: exit 3",
                                "failure rows: 1",
                                "failed tile: 1",
                                "running tile after: 0",
                                "profile row: default 0 0 2 1");
                assertThat(held.waitFor(20, TimeUnit.SECONDS)).isTrue();
                assertThat(held.exitValue()).isEqualTo(3);
                assertThat(new String(heldOut.join(), StandardCharsets.UTF_8)).isEqualTo("holding\n");
            } finally {
                Files.writeString(marker, ""); // never leave the held request waiting
                held.waitFor(20, TimeUnit.SECONDS);
                held.destroyForcibly();
            }
        }
        for (String shot : new String[] {"dashboard-running.png", "dashboard-finished.png"}) {
            byte[] png = Files.readAllBytes(BrowserScript.SHOTS.resolve(shot));
            assertThat(png).as(shot).startsWith(0x89, 'P', 'N', 'G');
            assertThat(png.length).as(shot).isGreaterThan(10_000);
        }
    }
}
