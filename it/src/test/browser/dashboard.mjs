// Drives the admin dashboard in headless Chromium (playwright-core), for AdminDashboardBrowserTest.
// Input (environment): DASHBOARD_URL, CHROMIUM (executable), PLAYWRIGHT_CORE (module dir), TOKEN (text
// unique to the held request's command line), MARKER (file whose creation lets that request end),
// SHOTS (directory for screenshots). Output: one JSON line on stdout; exit 0 when every step passed.
import { createRequire } from "node:module";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

const env = (name) => {
  const v = process.env[name];
  if (!v) throw new Error(name + " is not set");
  return v;
};
const require = createRequire(import.meta.url);
const { chromium } = require(env("PLAYWRIGHT_CORE"));
const shots = env("SHOTS");
const token = env("TOKEN");
fs.mkdirSync(shots, { recursive: true });

const result = { consoleErrors: [], steps: [] };
const step = (name, value) => result.steps.push(value === undefined ? name : name + ": " + value);
const userData = fs.mkdtempSync(path.join(os.tmpdir(), "cb-chromium-"));
let context;
let watching = true;
try {
  context = await chromium.launchPersistentContext(userData, {
    executablePath: env("CHROMIUM"),
    headless: true,
    viewport: { width: 1280, height: 860 },
    // without the networking switches Chromium keeps retrying Google services on a machine with no network
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
      "--disable-component-update", "--disable-sync"],
    timeout: 30000,
  });
  const page = context.pages()[0] ?? (await context.newPage());
  page.on("console", (m) => { if (watching && m.type() === "error") result.consoleErrors.push(m.text()); });
  page.on("pageerror", (e) => { if (watching) result.consoleErrors.push("uncaught: " + e.message); });
  page.on("response", (r) => { if (watching && r.status() >= 400) result.consoleErrors.push("HTTP " + r.status() + " " + r.url()); });

  await page.goto(env("DASHBOARD_URL"), { waitUntil: "load", timeout: 20000 });
  await page.locator("#live.on").waitFor({ timeout: 10000 });
  step("live", await page.locator("#live").textContent());
  step("ready", await page.locator("#ready").textContent());

  const running = page.locator("#running tbody tr", { hasText: token });
  await running.waitFor({ timeout: 20000 });
  step("running state", await running.locator(".state").textContent());
  step("running tile", await page.locator("#n-running").textContent());
  await page.screenshot({ path: path.join(shots, "dashboard-running.png"), fullPage: true });

  fs.writeFileSync(env("MARKER"), "");
  const finished = page.locator("#recent tbody tr", { hasText: token });
  await finished.waitFor({ timeout: 20000 });
  await running.waitFor({ state: "detached", timeout: 10000 });
  step("finished result", await finished.locator(".result").textContent());
  step("failure rows", await page.locator("#failures tbody tr", { hasText: token }).count());
  step("failed tile", await page.locator("#n-failed").textContent());
  step("running tile after", await page.locator("#n-running").textContent());
  step("profile row", (await page.locator('#profiles tr[data-profile="default"]').innerText()).replace(/\s+/g, " "));
  await page.screenshot({ path: path.join(shots, "dashboard-finished.png"), fullPage: true });
  watching = false;
  result.ok = true;
} catch (e) {
  result.ok = false;
  result.error = String(e && e.stack ? e.stack : e);
} finally {
  watching = false;
  if (context) await context.close().catch(() => {});
  fs.rmSync(userData, { recursive: true, force: true });
}
console.log(JSON.stringify(result));
process.exit(result.ok ? 0 : 1);
