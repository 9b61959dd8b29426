// Drives the admin dashboard in headless Chromium (playwright-core), for AdminDashboardBrowserTest.
// Input (environment): DASHBOARD_URL, CHROMIUM (executable), PLAYWRIGHT_CORE (module dir), TOKEN (text
// unique to the held request's command line), MARKER (file whose creation lets that request end),
// SHOTS (directory for screenshots). Output: one JSON line on stdout; exit 0 when every step passed.
import fs from "node:fs";
import { drive, env, shot } from "./browser.mjs";

const token = env("TOKEN");
let watching = true;
await drive({ width: 1280, height: 860 }, async (page, result) => {
  const step = (name, value) => result.steps.push(value === undefined ? name : name + ": " + value);
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
  await page.screenshot({ path: shot("dashboard-running.png"), fullPage: true });

  fs.writeFileSync(env("MARKER"), "");
  const finished = page.locator("#recent tbody tr", { hasText: token });
  await finished.waitFor({ timeout: 20000 });
  await running.waitFor({ state: "detached", timeout: 10000 });
  step("finished result", await finished.locator(".result").textContent());
  step("failure rows", await page.locator("#failures tbody tr", { hasText: token }).count());
  step("failed tile", await page.locator("#n-failed").textContent());
  step("running tile after", await page.locator("#n-running").textContent());
  step("profile row", (await page.locator('#profiles tr[data-profile="default"]').innerText()).replace(/\s+/g, " "));
  await page.screenshot({ path: shot("dashboard-finished.png"), fullPage: true });
  watching = false;
});
