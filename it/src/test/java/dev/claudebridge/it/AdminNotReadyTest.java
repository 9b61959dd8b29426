package dev.claudebridge.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/** A daemon whose claude does not answer is alive but not ready, and says why; a stopped one is unreachable. */
class AdminNotReadyTest {
    @Test
    void aClaudeThatDoesNotAnswerMakesTheDaemonNotReadyUntilItStops() {
        String admin;
        // the e2e fake claude knows no --version: it prints "unknown mode" and exits 99
        try (Bridge bridge = Bridge.start("--admin-listen", "127.0.0.1:0")) {
            admin = bridge.adminUrl();
            assertThat(AdminHttp.get(admin + "/healthz").statusCode()).isEqualTo(200);

            HttpResponse<String> ready = AdminHttp.get(admin + "/readyz");
            assertThat(ready.statusCode()).isEqualTo(503);
            assertThat(ready.body())
                    .startsWith("not ready: claude\n")
                    .contains("ok   listening:")
                    .contains("FAIL claude: claude at " + bridge.dir.resolve("fake-claude")
                            + " --version exited 99: fake-claude: unknown mode --version");
            assertThat(AdminHttp.get(admin + "/metrics").body()).contains("claude_bridge_ready 0.0");

            Bridge.Result text = AdminHttp.statusCommand("--admin", admin);
            assertThat(text.status()).as(text.toString()).isEqualTo(1);
            assertThat(text.out())
                    .contains(": NOT READY")
                    .contains("FAIL claude")
                    .contains("--version exited 99");
            Bridge.Result json = AdminHttp.statusCommand("--json", "--admin", admin);
            assertThat(json.status()).isEqualTo(1);
            assertThat(json.out()).contains("\"ready\" : false");
        }
        Bridge.Result gone = AdminHttp.statusCommand("--admin", admin, "--timeout", "PT3S");
        assertThat(gone.status()).as(gone.toString()).isEqualTo(69);
        assertThat(gone.stderr()).contains("no daemon answered at " + admin);
    }
}
