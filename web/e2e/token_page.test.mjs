// Token mode in a real browser: without the token the dashboard URL shows a sign-in form; the
// token entered there sets the cookie, the dashboard loads and the address bar has no token.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { freePort, launchBrowser, repoDir, tempDir } from "./harness.mjs";

const TOKEN = "e2e-Token-42";

describe("token sign-in page", { timeout: 120_000 }, () => {
  let dataDir;
  let daemon;
  let browser;

  before(async () => {
    const port = await freePort();
    dataDir = tempDir("tidewire-e2e-token-");
    daemon = await startWithToken(port, dataDir);
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    daemon?.proc.kill("SIGTERM");
    await daemon?.exited;
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  test("form, then the dashboard with a clean URL", async () => {
    assert.ok(daemon, "the daemon did not start");
    const page = await browser.context.newPage();
    const response = await page.goto(`${daemon.base}/tasks`);
    assert.equal(response.status(), 401);
    const field = page.getByLabel("Token");
    await field.waitFor();
    await field.fill("not-it");
    await page.getByRole("button", { name: "Open the dashboard" }).click();
    await page.getByRole("alert").waitFor();
    assert.match(await page.getByRole("alert").innerText(), /not valid/);

    await page.getByLabel("Token").fill(TOKEN);
    await page.getByRole("button", { name: "Open the dashboard" }).click();
    await page
      .locator('[data-testid="connection-status"][data-state="connected"]')
      .waitFor({ timeout: 30_000 });
    const href = await page.evaluate(() => location.href);
    assert.equal(href, `${daemon.base}/tasks`);
    assert.ok(!href.includes("token"), href);
    const cookies = await browser.context.cookies(daemon.base);
    assert.ok(cookies.some((c) => c.name === "tidewire_token" && c.httpOnly));
    await page.close();
  });
});

// The harness's startDaemon probes /api/health without a token; here the ready line says when.
async function startWithToken(port, dataDir) {
  const proc = spawn(
    join(repoDir, ".venv", "bin", "tidewire"),
    ["serve", "--port", String(port), "--data-dir", dataDir, "--token", TOKEN],
    { cwd: repoDir, stdio: ["ignore", "ignore", "pipe"] },
  );
  const exited = new Promise((r) => proc.once("exit", r));
  let output = "";
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ready line:\n${output}`)), 60_000);
    proc.stderr.on("data", (d) => {
      output += d;
      if (output.includes("tidewire ready:")) {
        clearTimeout(timer);
        resolve();
      }
    });
    exited.then(() => reject(new Error(`daemon exited:\n${output}`)));
  });
  return { base: `http://127.0.0.1:${port}`, proc, exited };
}
