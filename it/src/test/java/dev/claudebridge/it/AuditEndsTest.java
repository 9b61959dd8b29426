package dev.claudebridge.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Every start has its end, even when the audit disk fills while a request runs (a real 64 KiB tmpfs):
 * the log keeps a reserve for end records, so the running request's end and the ends of the requests
 * refused meanwhile are all written.
 */
class AuditEndsTest {
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

    @Test
    void aDiskThatFillsDuringARunKeepsItsEndAndTheEndsOfRefusals() throws Exception {
        Files.createDirectories(mount);
        Assumptions.assumeTrue(
                run("mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", mount.toString()) == 0,
                "mounting a tmpfs is not permitted here (needs root or CAP_SYS_ADMIN); skipping the full-disk audit test");
        mounted = true;
        Path ws = Files.createDirectories(dir.resolve("ws")).toRealPath();
        Path audit = mount.resolve("audit.log");
        Path marker = dir.resolve("go");
        try (Bridge bridge = Bridge.start(
                dir,
                Map.of(),
                Bridge.withClaude(
                        Bridge.fakeClaude(dir),
                        "--map",
                        ws + "=" + ws,
                        "--audit-log",
                        audit.toString(),
                        "--rate",
                        "0"))) {
            PathRaceTest.Call running =
                    PathRaceTest.Call.open(bridge.socket, List.of("tick", marker.toString()), ws.toString(), "running");
            running.started.get(30, TimeUnit.SECONDS);
            fill(mount.resolve("filler"));

            // the log's last page takes a few records still; then starts are refused, and each refusal has an end
            List<String> refused = new ArrayList<>();
            List<String> ran = new ArrayList<>();
            for (int i = 0; i < 60 && refused.size() < 5; i++) {
                String client = "while-full-" + i;
                RawCall.Answer a = RawCall.send(
                        bridge.socket, false, PathRaceTest.request(List.of("exit", "0"), ws.toString(), client));
                (a.status() == 73 ? refused : ran).add(client);
            }
            assertThat(refused).as("refusals on a full disk").hasSize(5);
            Files.createFile(marker);
            assertThat(running.answer.get(30, TimeUnit.SECONDS).status()).isZero();
            running.close();

            AuditLines lines = new AuditLines(audit);
            JsonNode end = lines.endOf("running");
            assertThat(end.path("outcome").asText()).isEqualTo("exit");
            for (String c : refused) {
                assertThat(lines.endOf(c).path("outcome").asText()).isEqualTo("audit_unavailable");
            }
            for (String c : ran) {
                assertThat(lines.endOf(c).path("outcome").asText()).isEqualTo("exit");
            }
            assertThat(bridge.log()).doesNotContain("is not recorded");

            // room again: the reserve is taken back, and requests run and are recorded
            Files.delete(mount.resolve("filler"));
            RawCall.Answer after = RawCall.send(
                    bridge.socket, false, PathRaceTest.request(List.of("exit", "0"), ws.toString(), "after"));
            assertThat(after.status()).as(after.text()).isZero();
            assertThat(lines.endOf("after").path("outcome").asText()).isEqualTo("exit");
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

    private static int run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        Bridge.readAll(p.getInputStream());
        return p.waitFor(20, TimeUnit.SECONDS) ? p.exitValue() : -1;
    }
}
