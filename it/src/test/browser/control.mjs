// Drives the operator controls and charts of the admin dashboard in headless Chromium (playwright-core),
// for OperatorDashboardBrowserTest. First a hostile page on another loopback port tries to end the
// request (a cross-origin form POST and fetches); then the operator opens the dashboard, is refused
// with a wrong token, unlocks with the right one and ends the request with two clicks.
// Input (environment): DASHBOARD_URL, EVIL_URL, REQUEST_ID (the running request), TOKEN (the operator
// token), CHROMIUM, PLAYWRIGHT_CORE, SHOTS. Output: one JSON line on stdout; exit 0 when every step passed.
import { drive, env, shot } from "./browser.mjs";

const id = env("REQUEST_ID");
const dashboard = env("DASHBOARD_URL");

async function runningState() {
  const s = await (await fetch(new URL("api/status", dashboard))).json();
  const r = s.running.find((x) => x.id === id);
  return r ? r.state : "gone";
}

let watching = false;
await drive({ width: 1280, height: 900 }, async (page, result) => {
  const step = (name, value) => result.steps.push(value === undefined ? name : name + ": " + value);
  // the hostile page: it does not know the token, and its own origin goes with everything it sends
  await page.goto(env("EVIL_URL"), { waitUntil: "load", timeout: 20000 });
  await page.waitForFunction(() => document.title.startsWith("done"), null, { timeout: 20000 });
  step("evil page", await page.title());
  step("after the evil page", await runningState());

  watching = true;
  page.on("console", (m) => {
    // the browser logs the wrong token's 401 too
    if (watching && m.type() === "error" && !(m.location().url || "").endsWith("/api/operator")) result.consoleErrors.push(m.text());
  });
  page.on("pageerror", (e) => { if (watching) result.consoleErrors.push("uncaught: " + e.message); });
  page.on("response", (r) => {
    // the wrong token's 401 is the point of one step; anything else failing is an error
    if (watching && r.status() >= 400 && !r.url().endsWith("/api/operator")) result.consoleErrors.push("HTTP " + r.status() + " " + r.url());
  });
  await page.goto(dashboard, { waitUntil: "load", timeout: 20000 });
  await page.locator("#live.on").waitFor({ timeout: 10000 });
  const row = page.locator('#running tbody tr[data-id="' + id + '"]');
  await row.waitFor({ timeout: 20000 });
  step("controls hidden", await page.locator("#control").isHidden());
  step("end buttons before unlocking", await page.locator("button.end").count());
  await page.waitForFunction(() => document.getElementById("chart-load").dataset.last === "1,0", null, { timeout: 10000 });
  step("load chart while running", await page.locator("#chart-load").getAttribute("data-last"));

  await page.click("#control-open");
  await page.fill("#token", "not-the-token");
  await page.fill("#operator", "browser-op");
  await page.click("#unlock");
  await page.locator("#control-msg.bad").waitFor({ timeout: 10000 });
  step("wrong token", await page.locator("#control-msg").textContent());
  step("end buttons after a wrong token", await page.locator("button.end").count());
  step("after a wrong token", await runningState());

  await page.fill("#token", env("TOKEN"));
  await page.click("#unlock");
  const end = row.locator("button.end");
  await end.waitFor({ timeout: 10000 });
  step("unlocked", await page.locator("#control-who").textContent());
  step("token kept in the tab", (await page.evaluate(() => sessionStorage.getItem("claude-bridge-token"))) === env("TOKEN"));
  await page.screenshot({ path: shot("control-running.png"), fullPage: true });

  // drain and resume from the page
  await page.click("#drain");
  await page.waitForFunction(() => document.getElementById("ready").textContent === "draining", null, { timeout: 10000 });
  step("pill after drain", await page.locator("#ready").textContent());
  await page.click("#resume");
  await page.waitForFunction(() => document.getElementById("ready").textContent === "ready", null, { timeout: 10000 });
  step("pill after resume", await page.locator("#ready").textContent());

  await end.click();
  await row.locator("button.end.confirm").waitFor({ timeout: 5000 });
  step("first click asks", await row.locator("button.end").textContent());
  await row.locator("button.end.confirm").click();
  const finished = page.locator('#recent tbody tr[data-id="' + id + '"]');
  await finished.waitFor({ timeout: 30000 });
  step("ended result", await finished.locator(".result").textContent());
  await page.waitForFunction(() => document.getElementById("chart-load").dataset.last === "0,0", null, { timeout: 10000 });
  step("load chart after", await page.locator("#chart-load").getAttribute("data-last"));
  step("load chart has points", Number(await page.locator("#chart-load").getAttribute("data-points")) >= 2);
  step("duration bar", await page.locator('#chart-durations rect[data-id="' + id + '"]').count());
  await page.screenshot({ path: shot("control-ended.png"), fullPage: true });

  // the usage and rate-limit charts are drawn from status fields a daemon with usage tracking adds
  watching = false;
  await page.evaluate(() => {
    const s = JSON.parse(JSON.stringify(lastStatus));
    s.usage = { clients: [
      { profile: "default", client: "agent-1", requests: 3, inputTokens: 1200, outputTokens: 800, cacheReadTokens: 5000, cacheCreationTokens: 300, costUsd: 0.42 },
      { profile: "default", client: "agent-2", requests: 1, inputTokens: 300, outputTokens: 100, cacheReadTokens: 0, cacheCreationTokens: 0, costUsd: 0.03 },
    ] };
    s.rateLimit = { status: "allowed_warning", utilization: 0.85, resetsAt: new Date(Date.now() + 3600000).toISOString(), reason: "" };
    render(s);
  });
  step("usage chart bars", await page.locator("#chart-usage").getAttribute("data-points"));
  step("rate-limit chart", await page.locator("#chart-ratelimit").getAttribute("data-last"));
  await page.screenshot({ path: shot("control-charts.png"), fullPage: true });
});
