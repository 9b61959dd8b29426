package dev.claudebridge.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The operator's controls and the charts in a real headless Chromium (it/src/test/browser/control.mjs):
 * a hostile page on another loopback port cannot end a running request (a cross-origin form POST and
 * fetches are refused, the request keeps running), a wrong token unlocks nothing, and with the token
 * the operator drains and resumes the daemon and ends the request from the page; its whole host tree
 * is gone, the caller is told, and the audit names the operator. Screenshots are kept under
 * it/target/admin-dashboard/.
 */
class OperatorDashboardBrowserTest {
    @Test
    void anOperatorEndsARunningRequestFromThePageAndAnotherOriginCannot() throws Exception {
        BrowserScript.assumeBrowser();
        Path dir = Bridge.tempDir();
        Path claude = Bridge.script(dir, "/admin-claude.sh", "claude");
        HttpServer evil = null;
        try (Bridge bridge = Bridge.start(dir, Map.of(), Bridge.withClaude(claude, "--admin-listen", "127.0.0.1:0"));
                RunningTree tree = RunningTree.start(bridge)) {
            String admin = bridge.adminUrl();
            assertThat(Bridge.run(bridge.client(dir, "exit", "0"), new byte[0]).status())
                    .isZero(); // a bar in the durations chart already
            String id = Operators.runningId(admin, "tree");
            evil = evilPage(admin, id);
            JsonNode r = BrowserScript.run(
                    "control.mjs",
                    Map.of(
                            "DASHBOARD_URL",
                            admin + "/",
                            "EVIL_URL",
                            "http://127.0.0.1:" + evil.getAddress().getPort() + "/",
                            "REQUEST_ID",
                            id,
                            "TOKEN",
                            Operators.token(bridge)),
                    180);
            assertThat(r.get("consoleErrors")).as("console errors").isEmpty();
            assertThat(r.get("steps"))
                    .extracting(JsonNode::asText)
                    .containsExactly(
                            "evil page: done form:sent noCors:sent withAuth:blocked drain:blocked",
                            "after the evil page: running",
                            "controls hidden: true",
                            "end buttons before unlocking: 0",
                            "load chart while running: 1,0",
                            "wrong token: refused: wrong operator token",
                            "end buttons after a wrong token: 0",
                            "after a wrong token: running",
                            "unlocked: acting as browser-op",
                            "token kept in the tab: true",
                            "pill after drain: draining",
                            "pill after resume: ready",
                            "first click asks: Confirm end",
                            "ended result: signal 15",
                            "load chart after: 0,0",
                            "load chart has points: true",
                            "duration bar: 1",
                            "usage chart bars: 2",
                            "rate-limit chart: 85");

            assertThat(tree.awaitExit()).isEqualTo(128 + 15);
            assertThat(tree.stderr()).contains("claude-bridge: an operator (browser-op) ended this request");
            assertThat(tree.awaitGone()).as("the whole host tree is gone").isEmpty();
            JsonNode end = new AuditLines(bridge.auditLog()).awaitEndOfId(id);
            assertThat(end.path("ended_by").path("operator").asText()).isEqualTo("browser-op");
            assertThat(end.path("ended_by").path("auth").asText()).isEqualTo("operator-token");
            // the hostile page's requests reached the daemon and were refused there, not only by the browser
            assertThat(bridge.log()).contains("refused an admin action from another origin");
            assertThat(bridge.log()).doesNotContain("by evil");
        } finally {
            if (evil != null) {
                evil.stop(0);
            }
        }
        for (String shot : new String[] {"control-running.png", "control-ended.png", "control-charts.png"}) {
            byte[] png = Files.readAllBytes(BrowserScript.SHOTS.resolve(shot));
            assertThat(png).as(shot).startsWith(0x89, 'P', 'N', 'G');
        }
    }

    /**
     * A page on another loopback port that tries what a hostile site could: a form POST (sent without
     * asking, with its own Origin), a no-cors fetch, a fetch with a guessed token (which needs a
     * preflight the daemon never grants) and a credentialed drain. Its title says what happened.
     */
    private static HttpServer evilPage(String admin, String id) throws IOException {
        String end = admin + "/api/requests/" + id + "/end";
        String html = """
                <!doctype html><html><head><title>evil</title></head><body>
                <iframe name="sink"></iframe>
                <form id="f" method="POST" action="END" target="sink" enctype="text/plain">
                <input type="hidden" name='{"operator":"evil","x":"' value='"}'></form>
                <script>
                const seen = [];
                async function attempt(name, url, init) {
                  try { await fetch(url, init); seen.push(name + ":sent"); } catch (e) { seen.push(name + ":blocked"); }
                }
                (async () => {
                  document.getElementById("f").submit();
                  seen.push("form:sent");
                  await attempt("noCors", "END", { method: "POST", mode: "no-cors", body: '{"operator":"evil"}' });
                  await attempt("withAuth", "END", { method: "POST", headers: { Authorization: "Bearer guessed" }, body: "{}" });
                  await attempt("drain", "ADMIN/api/drain", { method: "POST", credentials: "include", body: "{}" });
                  setTimeout(() => { document.title = "done " + seen.join(" "); }, 1500);
                })();
                </script></body></html>
                """.replace("END", end).replace("ADMIN", admin);
        HttpServer s = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        s.createContext("/", x -> {
            byte[] body = html.getBytes(StandardCharsets.UTF_8);
            x.getResponseHeaders().set("Content-Type", "text/html;charset=utf-8");
            x.sendResponseHeaders(200, body.length);
            try (var o = x.getResponseBody()) {
                o.write(body);
            }
        });
        s.start();
        return s;
    }
}
