package dev.claudebridge.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The audit log on a real, tiny, full file system (a 64 KiB tmpfs): the bridge refuses requests with
 * audit_unavailable instead of running them unaudited, and recovers once there is room again.
 */
class AuditFullDiskTest {
    private final Path dir = Bridge.tempDir();
    private final Path mount = dir.resolve("audit");
    private boolean mounted;

    @AfterEach
    void clean() throws Exception {
        if (mounted) {
            run("umount", mount.toString());
        }
        Bridge.deleteTree(dir);
    }

    private static int run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        Bridge.readAll(p.getInputStream());
        return p.waitFor(20, TimeUnit.SECONDS) ? p.exitValue() : -1;
    }

    @Test
    void aFullAuditDiskRefusesRequestsAndNothingRunsUnaudited() throws Exception {
        Files.createDirectories(mount);
        Assumptions.assumeTrue(
                run("mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", mount.toString()) == 0,
                "mounting a tmpfs is not permitted here (needs root or CAP_SYS_ADMIN); skipping the full-disk audit test");
        mounted = true;
        Path ws = Files.createDirectories(dir.resolve("ws")).toRealPath();
        Path marker = dir.resolve("ran.log");
        Path config = Bridge.writeConfig(dir, "config.yaml", """
                claude: { path: %s }
                listeners: [ { socket: %s } ]
                profiles:
                  default: { mappings: ["%s=%s"], rate: { per-minute: 0 } }
                audit: { path: %s }
                """.formatted(
                        Bridge.policyClaude(dir), dir.resolve("b.sock"), ws, ws, mount.resolve("audit.log")));
        try (Bridge bridge = Bridge.startWithConfig(dir, Map.of("POLICY_MARKER", marker.toString()), config)) {
            Bridge.Result ok = Bridge.run(bridge.client(ws, "-p", "before"), new byte[0]);
            assertThat(ok.status()).as(ok.toString()).isZero();
            Path filler = mount.resolve("filler");
            fill(filler);

            // records still fit in the log's last page for a while; within a few requests one must not
            Bridge.Result refused = null;
            int ranWhileFull = 0;
            for (int i = 0; i < 40 && refused == null; i++) {
                long runsBefore = runs(marker);
                Bridge.Result r = Bridge.run(bridge.client(ws, "-p", "full-" + i), new byte[0]);
                if (r.status() == 73) {
                    refused = r;
                    assertThat(runs(marker))
                            .as("claude ran although its start could not be recorded")
                            .isEqualTo(runsBefore);
                } else {
                    assertThat(r.status()).as(r.toString()).isZero();
                    ranWhileFull++;
                    assertThat(Files.readString(mount.resolve("audit.log")))
                            .contains("full-" + i); // it ran, so it was recorded
                }
            }
            assertThat(refused)
                    .as("no refusal within 40 requests on a full disk")
                    .isNotNull();
            assertThat(refused.stderr())
                    .contains("audit log (" + mount.resolve("audit.log") + ") cannot be written")
                    .contains("No space left on device")
                    .contains("audit.fail-closed");
            assertThat(bridge.log()).contains("refusing request");
            new AuditLines(mount.resolve("audit.log")).all(); // every line still whole JSON: no half records
            assertThat(ranWhileFull).isLessThan(40);

            Files.delete(filler);
            Bridge.Result again = Bridge.run(bridge.client(ws, "-p", "after"), new byte[0]);
            assertThat(again.status()).as(again.toString()).isZero();
            assertThat(Files.readString(mount.resolve("audit.log"))).contains("\"after\"");
        }
    }

    private static void fill(Path filler) {
        byte[] block = new byte[1024];
        try (OutputStream out = Files.newOutputStream(filler)) {
            while (true) {
                out.write(block);
                out.flush();
            }
        } catch (IOException full) {
            // the file system is full
        }
    }

    private static long runs(Path marker) throws IOException {
        return Files.exists(marker) ? Files.readAllLines(marker).size() : 0;
    }
}
