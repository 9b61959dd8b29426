package dev.claudebridge.it;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs one of the Node scripts in it/src/test/browser that drive Debian's headless Chromium with
 * playwright-core, and reads the one JSON line it prints ({@code ok}, {@code steps}, {@code
 * consoleErrors}). The calling test is skipped where Chromium, playwright-core or node is missing.
 */
final class BrowserScript {
    static final Path PLAYWRIGHT = Bridge.HOME.resolve(".tools/playwright/node_modules/playwright-core");
    static final Path CHROMIUM = Path.of(System.getProperty("chromium", "/usr/bin/chromium"));
    static final Path SHOTS = Bridge.HOME.resolve("it/target/admin-dashboard");

    private BrowserScript() {}

    /** Skips the calling test unless Chromium, playwright-core and node are there. */
    static void assumeBrowser() {
        assumeTrue(
                Files.isExecutable(CHROMIUM),
                "skipped: no Chromium at " + CHROMIUM + " (Debian: apt-get install chromium; or -Dchromium=PATH)");
        assumeTrue(
                Files.isDirectory(PLAYWRIGHT),
                "skipped: playwright-core is not installed in " + PLAYWRIGHT + " (./build.sh test installs it)");
        assumeTrue(nodeWorks(), "skipped: node is not on PATH");
    }

    /**
     * Runs {@code it/src/test/browser/NAME} with {@code env} (plus CHROMIUM, PLAYWRIGHT_CORE and SHOTS)
     * and returns its report; it must finish within {@code seconds}.
     */
    static JsonNode run(String name, Map<String, String> env, int seconds) throws InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(
                        "node",
                        Bridge.HOME.resolve("it/src/test/browser/" + name).toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT);
        pb.environment().putAll(env);
        pb.environment()
                .putAll(Map.of(
                        "CHROMIUM", CHROMIUM.toString(),
                        "PLAYWRIGHT_CORE", PLAYWRIGHT.toString(),
                        "SHOTS", SHOTS.toString()));
        try {
            Process node = pb.start();
            CompletableFuture<byte[]> out = CompletableFuture.supplyAsync(() -> Bridge.readAll(node.getInputStream()));
            if (!node.waitFor(seconds, TimeUnit.SECONDS)) {
                node.descendants().forEach(ProcessHandle::destroyForcibly);
                node.destroyForcibly();
                throw new AssertionError("the browser script " + name + " did not finish within " + seconds + " s");
            }
            String report = new String(out.join(), StandardCharsets.UTF_8).strip();
            JsonNode r = AdminHttp.JSON.readTree(report.substring(report.lastIndexOf('\n') + 1));
            if (!r.path("ok").asBoolean()) {
                throw new AssertionError("the browser script " + name + " failed: " + report);
            }
            return r;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean nodeWorks() {
        try {
            Process p = new ProcessBuilder("node", "--version")
                    .redirectErrorStream(true)
                    .start();
            p.getInputStream().readAllBytes();
            return p.waitFor(20, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
