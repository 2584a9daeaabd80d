// Exactly once from the dashboard: a real daemon behind a proxy that loses write replies after
// the daemon applied them (tests/support/faultproxy.py), headless Chromium, and a daemon restart
// with changes made while it is down, on a task that does not exist yet. The daemon must end
// with exactly the tasks and statuses the user made, and the page must show each task once.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { freePort, launchBrowser, repoDir, rest, startDaemon, tempDir } from "./harness.mjs";

const WAIT = { timeout: 30_000 };

async function startProxy(port, upstreamPort) {
  const proc = spawn(
    join(repoDir, ".venv", "bin", "python"),
    [join(repoDir, "tests", "support", "faultproxy.py"), "--port", String(port), "--upstream-port", String(upstreamPort)],
    { stdio: ["ignore", "pipe", "inherit"] },
  );
  await new Promise((resolve, reject) => {
    proc.stdout.on("data", (d) => String(d).includes("ready") && resolve());
    proc.once("exit", (code) => reject(new Error(`fault proxy exited with ${code}`)));
  });
  return {
    base: `http://127.0.0.1:${port}`,
    async stop() {
      const exited = new Promise((r) => proc.once("exit", r));
      proc.kill("SIGTERM");
      await exited;
    },
  };
}

describe("dashboard writes through lost replies and a daemon restart", { timeout: 240_000 }, () => {
  let daemonPort;
  let dataDir;
  let daemon;
  let proxy;
  let browser;
  let page;
  const pageErrors = [];

  const rowOf = (title) => page.locator('[data-testid="task-row"]', { hasText: title });
  const arm = async (mode, count, match) => {
    const r = await rest(proxy.base, "POST", "/__faults", { mode, count, match });
    assert.equal(r.status, 200);
  };
  const tasksOnDaemon = async () => {
    const r = await rest(daemon.base, "GET", "/api/tasks");
    return r.body.items.map((t) => `${t.title}:${t.status}`).sort();
  };
  async function create(title) {
    await page.getByLabel("Task title").fill(title);
    await page.getByLabel("Task title").press("Enter");
  }
  async function settled(expected) {
    const deadline = Date.now() + 60_000;
    for (;;) {
      const got = await tasksOnDaemon();
      const pending = await page.locator('[data-testid="task-row"][data-pending="true"]').count();
      if (pending === 0 && JSON.stringify(got) === JSON.stringify(expected)) return;
      if (Date.now() > deadline) assert.deepEqual({ got, pending }, { got: expected, pending: 0 });
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  before(async () => {
    daemonPort = await freePort();
    dataDir = tempDir("tidewire-e2e-once-");
    daemon = await startDaemon({ port: daemonPort, dataDir });
    proxy = await startProxy(await freePort(), daemonPort);
    browser = await launchBrowser();
    page = await browser.context.newPage();
    page.on("pageerror", (err) => pageErrors.push(err.message));
    await page.goto(`${proxy.base}/tasks`);
    await page.locator('[data-testid="connection-status"][data-state="connected"]').waitFor(WAIT);
    await page.waitForFunction(() => navigator.serviceWorker?.controller != null, null, WAIT);
  });

  after(async () => {
    await browser?.close();
    await proxy?.stop();
    await daemon?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  test("a create and an edit whose replies are lost twice apply once", async () => {
    await arm("after_commit", 2, "POST /api/tasks");
    await create("Once alpha");
    await settled(["Once alpha:open"]);
    await arm("after_commit", 2, "PATCH /api/tasks/");
    await rowOf("Once alpha").locator('[data-testid="task-status"]').selectOption("in_progress");
    await settled(["Once alpha:in_progress"]);
    assert.equal(await rowOf("Once alpha").count(), 1);
    const dropped = (await rest(proxy.base, "GET", "/__faults")).body.dropped;
    assert.equal(dropped.length, 4);
  });

  test("changes made while the daemon is down, on a task not yet created, survive a reload and apply once", async () => {
    await daemon.stop();
    await page.locator('[data-testid="connection-status"]:not([data-state="connected"])').waitFor(WAIT);
    await create("Once beta");
    await rowOf("Once beta").waitFor(WAIT);
    // The pending row's status can be changed; the change follows the task once it exists.
    await rowOf("Once beta").locator('[data-testid="task-status"]').selectOption("blocked");
    await rowOf("Once alpha").locator('[data-testid="task-status"]').selectOption("closed");
    await page.reload();
    await rowOf("Once beta").waitFor(WAIT);

    await arm("after_commit", 1, "POST /api/tasks");
    await arm("after_commit", 1, "PATCH /api/tasks/");
    daemon = await startDaemon({ port: daemonPort, dataDir });
    await settled(["Once alpha:closed", "Once beta:blocked"]);
    assert.equal(await rowOf("Once beta").count(), 1);
    assert.equal(await rowOf("Once alpha").count(), 1);
    assert.equal(await page.locator("[data-sonner-toast]", { hasText: "Could not" }).count(), 0);
    assert.deepEqual(pageErrors, []);
  });
});
