// `/docs` renders the API's operations with every other host unreachable: Swagger UI and its
// stylesheet come from the daemon itself (the fastapi-offline package), not from a CDN.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { rmSync } from "node:fs";
import { freePort, launchBrowser, startDaemon, tempDir } from "./harness.mjs";

describe("API docs with no network", { timeout: 120_000 }, () => {
  let dataDir;
  let daemon;
  let browser;
  const blocked = [];

  before(async () => {
    const port = await freePort();
    dataDir = tempDir("tidewire-e2e-docs-");
    daemon = await startDaemon({ port, dataDir });
    browser = await launchBrowser();
    // Anything not addressed to the daemon on loopback fails, as it would offline.
    await browser.context.route("**/*", (route) => {
      const { hostname } = new URL(route.request().url());
      if (hostname === "127.0.0.1" || hostname === "localhost") return route.continue();
      blocked.push({ url: route.request().url(), type: route.request().resourceType() });
      return route.abort("internetdisconnected");
    });
  });

  after(async () => {
    await browser?.close();
    await daemon?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  test("Swagger UI lists the operations", async () => {
    const page = await browser.context.newPage();
    await page.goto(`${daemon.base}/docs`);
    const operation = page.locator(".opblock-summary-path", { hasText: "/api/tasks" }).first();
    await operation.waitFor({ timeout: 30_000 });
    assert.ok((await page.locator(".opblock").count()) > 5);
    assert.deepEqual(blocked, [], `the docs page reached for other hosts: ${JSON.stringify(blocked)}`);
    await page.close();
  });

  test("ReDoc renders too", async () => {
    const page = await browser.context.newPage();
    await page.goto(`${daemon.base}/redoc`);
    await page.getByText("/api/tasks").first().waitFor({ timeout: 30_000 });
    // ReDoc's bundle names its "powered by" logo on its own CDN; an image that does not load
    // changes nothing. Code and styles must all be local.
    const code = blocked.filter((b) => b.type !== "image");
    assert.deepEqual(code, [], `the ReDoc page loaded code from other hosts: ${JSON.stringify(code)}`);
    await page.close();
  });
});
