// What the dashboard's browser scripts share: their inputs, Debian's headless Chromium through
// playwright-core, and the one JSON line each prints for its Java test (BrowserScript).
import { createRequire } from "node:module";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

export const env = (name) => {
  const v = process.env[name];
  if (!v) throw new Error(name + " is not set");
  return v;
};

// Runs `steps(page, result)` in a fresh browser profile, then prints the result and exits (0 when
// every step passed). `result.steps` collects what the test compares; `result.consoleErrors` too.
export async function drive(viewport, steps) {
  const require = createRequire(import.meta.url);
  const { chromium } = require(env("PLAYWRIGHT_CORE"));
  fs.mkdirSync(env("SHOTS"), { recursive: true });
  const result = { consoleErrors: [], steps: [] };
  const userData = fs.mkdtempSync(path.join(os.tmpdir(), "cb-chromium-"));
  let context;
  try {
    context = await chromium.launchPersistentContext(userData, {
      executablePath: env("CHROMIUM"),
      headless: true,
      viewport,
      // without the networking switches Chromium keeps retrying Google services on a machine with no network
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"],
      timeout: 30000,
    });
    const page = context.pages()[0] ?? (await context.newPage());
    await steps(page, result);
    result.ok = true;
  } catch (e) {
    result.ok = false;
    result.error = String(e && e.stack ? e.stack : e);
  } finally {
    if (context) await context.close().catch(() => {});
    fs.rmSync(userData, { recursive: true, force: true });
  }
  console.log(JSON.stringify(result));
  process.exit(result.ok ? 0 : 1);
}

export const shot = (name) => path.join(env("SHOTS"), name);
