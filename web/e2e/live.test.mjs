// The dashboard against a real daemon in headless Chromium: live updates, optimistic
// changes, offline behaviour and recovery. One browser and one data dir for the whole
// story; the steps run in order and each builds on the state the previous one left.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { rmSync } from "node:fs";
import { freePort, launchBrowser, mcpCall, rest, startDaemon, tempDir } from "./harness.mjs";

async function must(pending) {
  const res = await pending;
  if (res.status >= 300) throw new Error(`HTTP ${res.status}: ${JSON.stringify(res.body)}`);
  return res.body;
}

const WAIT = { timeout: 20_000 };

describe("dashboard against a real daemon", { timeout: 180_000 }, () => {
  let port;
  let dataDir;
  let daemon;
  let browser;
  let page;
  const pageErrors = [];
  const ids = {};

  const row = (id) => page.locator(`[data-testid="task-row"][data-task-id="${id}"]`);
  const status = () => page.locator('[data-testid="connection-status"]');
  const toast = (text) => page.locator("[data-sonner-toast]", { hasText: text });
  async function rowState(id) {
    return await row(id).evaluate((el) => ({ status: el.dataset.status, pending: el.dataset.pending }));
  }
  async function waitRow(id, want) {
    await page.waitForFunction(
      ([sel, w]) => {
        const el = document.querySelector(sel);
        return !!el && Object.entries(w).every(([k, v]) => el.dataset[k] === v);
      },
      [`[data-testid="task-row"][data-task-id="${id}"]`, want],
      WAIT,
    );
  }

  before(async () => {
    port = await freePort();
    dataDir = tempDir("tidewire-e2e-");
    daemon = await startDaemon({ port, dataDir });
    browser = await launchBrowser();
    page = await browser.context.newPage();
    page.on("pageerror", (err) => pageErrors.push(err.message));
    await page.goto(`${daemon.base}/tasks`);
    await page.locator('[data-testid="connection-status"][data-state="connected"]').waitFor(WAIT);
    // The app shell must be cached by the service worker before the daemon goes away.
    await page.waitForFunction(() => navigator.serviceWorker?.controller != null, null, WAIT);
  });

  after(async () => {
    await browser?.close();
    await daemon?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  test("a task created over MCP appears without a reload, with a toast", async () => {
    await page.evaluate(() => {
      window.__sameDocument = true;
    });
    const alpha = await mcpCall(daemon.base, "create_task", { title: "Alpha from MCP", priority: 1 });
    ids.alpha = alpha.id;
    await row(alpha.id).waitFor(WAIT);
    await toast("Task created").waitFor(WAIT);
    assert.equal(await row(alpha.id).textContent().then((t) => t.includes("Alpha from MCP")), true);
    assert.equal(await page.evaluate(() => window.__sameDocument), true, "the page must not have reloaded");

    const beta = await mcpCall(daemon.base, "create_task", { title: "Beta from MCP", priority: 2 });
    ids.beta = beta.id;
    await row(beta.id).waitFor(WAIT);
  });

  test("a status change shows at once and is confirmed by the daemon", async () => {
    await row(ids.alpha).locator('[data-testid="task-status"]').selectOption("in_progress");
    assert.equal((await rowState(ids.alpha)).status, "in_progress");
    await waitRow(ids.alpha, { status: "in_progress", pending: "false" });
    const { body } = await rest(daemon.base, "GET", `/api/tasks/${ids.alpha}`);
    assert.equal(body.status, "in_progress");
  });

  test("daemon stopped: reconnecting and stale, with the data kept", async () => {
    await daemon.stop();
    await page.locator('[data-testid="connection-status"][data-state="reconnecting"]').waitFor(WAIT);
    await page.locator('[data-testid="stale-indicator"]').waitFor(WAIT);
    await page.locator('[data-testid="reconnecting-indicator"]').waitFor(WAIT);
    await toast("Connection lost").waitFor(WAIT);
    assert.equal(await row(ids.alpha).count(), 1);
    assert.equal(await row(ids.beta).count(), 1);
  });

  test("changes made while down are queued and shown pending", async () => {
    await row(ids.alpha).locator('[data-testid="task-status"]').selectOption("blocked");
    await waitRow(ids.alpha, { status: "blocked", pending: "true" });
    await row(ids.beta).locator('[data-testid="task-status"]').selectOption("closed");
    await waitRow(ids.beta, { status: "closed", pending: "true" });
  });

  test("a reload while the daemon is down still shows the cached state", async () => {
    // The cache is persisted with a short throttle; wait until both queued changes are on
    // disk (an outcome, not a delay) before pulling the page away.
    await page.waitForFunction(() => {
      const raw = localStorage.getItem("tidewire.query-cache");
      return raw !== null && (JSON.parse(raw).clientState?.mutations ?? []).filter((m) => m.state.isPaused).length === 2;
    }, null, WAIT);
    await page.reload();
    await row(ids.alpha).waitFor(WAIT);
    await page.locator('[data-testid="stale-indicator"]').waitFor(WAIT);
    assert.notEqual(await status().getAttribute("data-state"), "connected");
    // The queued changes survived the reload too.
    await waitRow(ids.alpha, { status: "blocked", pending: "true" });
    await waitRow(ids.beta, { status: "closed", pending: "true" });
  });

  test("daemon back: state restored, toast, missed changes appear, queued changes applied", async () => {
    // While the page is cut off, another daemon process on the same data dir (another port,
    // so the page cannot see it) makes changes the page misses: a new task, and Beta closed
    // by someone else, which makes the page's queued close of Beta a real conflict.
    const otherPort = await freePort();
    const other = await startDaemon({ port: otherPort, dataDir });
    let gamma;
    try {
      gamma = await mcpCall(other.base, "create_task", { title: "Gamma made while away", priority: 0 });
      await mcpCall(other.base, "close_task", { task_id: ids.beta, reason: "done elsewhere" });
    } finally {
      await other.stop();
    }

    daemon = await startDaemon({ port, dataDir });
    await page.locator('[data-testid="connection-status"][data-state="connected"]').waitFor({ timeout: 60_000 });
    await toast("Connection restored").waitFor(WAIT);
    await row(gamma.id).waitFor(WAIT);
    await page.locator('[data-testid="stale-indicator"]').waitFor({ state: "detached", ...WAIT });

    // The queued status change reached the daemon.
    await waitRow(ids.alpha, { status: "blocked", pending: "false" });
    assert.equal((await rest(daemon.base, "GET", `/api/tasks/${ids.alpha}`)).body.status, "blocked");

    // The conflicting close was refused (409): the toast names what failed and the row
    // settles on the daemon's state.
    await toast("Could not close").waitFor(WAIT);
    assert.match(await toast("Could not close").first().textContent(), /Beta from MCP/);
    await waitRow(ids.beta, { status: "closed", pending: "false" });
    assert.equal((await rest(daemon.base, "GET", `/api/tasks/${ids.beta}`)).body.closed_reason, "done elsewhere");
  });

  test("an event storm collapses into one toast", async () => {
    // Start from no "created" toast, so the storm's count is not split with an older one.
    for (const close of await page.locator("[data-sonner-toast] [data-close-button]").all()) {
      await close.click({ timeout: 2000 }).catch(() => undefined); // it may expire (or be hidden) meanwhile
    }
    await page.waitForFunction(
      () => ![...document.querySelectorAll("[data-sonner-toast]")].some((t) => /created/i.test(t.textContent ?? "")),
      null,
      WAIT,
    );
    const titles = Array.from({ length: 60 }, (_, i) => `Storm ${i}`);
    const created = await Promise.all(titles.map((title) => rest(daemon.base, "POST", "/api/tasks", { title })));
    assert.ok(created.every((r) => r.status === 201));
    await page.waitForFunction(
      () => /(\d+) tasks created/.exec(document.body.textContent ?? "")?.[1] === "60",
      null,
      WAIT,
    );
    const taskToasts = await page.locator("[data-sonner-toast]", { hasText: /tasks? created/i }).count();
    assert.equal(taskToasts, 1);
  });

  test("opening /mcp in the browser gets the app, while MCP clients still reach the endpoint", async () => {
    // `/mcp` is both a client route and the MCP endpoint; the service worker answers
    // browser navigations with the app shell.
    await page.goto(`${daemon.base}/mcp`);
    await page.getByRole("heading", { name: "MCP servers" }).waitFor(WAIT);
    const t = await mcpCall(daemon.base, "get_task", { task_id: ids.alpha });
    assert.equal(t.id, ids.alpha);
  });

  test("10,000 tasks: the list stays virtualised and usable", async () => {
    await page.goto(`${daemon.base}/tasks`);
    await page.locator('[data-testid="connection-status"][data-state="connected"]').waitFor(WAIT);
    // 100 parents expanded into 99 subtasks each, a few requests at a time: 10,000 tasks
    // and as many live events while the page watches.
    let next = 0;
    let lastSub;
    const worker = async () => {
      while (next < 100) {
        const k = next++;
        const parent = await must(rest(daemon.base, "POST", "/api/tasks", { title: `Group ${k}` }));
        const subtasks = Array.from({ length: 99 }, (_, i) => ({ title: `Item ${k}.${i}` }));
        const expanded = await must(rest(daemon.base, "POST", `/api/tasks/${parent.id}/expand`, { subtasks }));
        if (k === 42) lastSub = expanded.subtasks[7];
      }
    };
    await Promise.all([worker(), worker(), worker(), worker()]);
    const total = (await rest(daemon.base, "GET", "/api/tasks")).body.items.length;
    assert.ok(total >= 10_000);

    await page.waitForFunction(
      (n) => document.querySelector('[data-testid="task-counts"]')?.textContent?.startsWith(`${n.toLocaleString("en-US")} tasks`),
      total,
      { timeout: 60_000 },
    );
    const inDom = await page.locator('[data-testid="task-row"]').count();
    assert.ok(inDom > 0 && inDom < 200, `rows in the DOM: ${inDom}`);

    await page.getByLabel("Filter tasks").fill("Item 42.7");
    await row(lastSub.id).waitFor(WAIT);
    await row(lastSub.id).locator('[data-testid="task-status"]').selectOption("blocked");
    await waitRow(lastSub.id, { status: "blocked", pending: "false" });
    assert.equal((await rest(daemon.base, "GET", `/api/tasks/${lastSub.id}`)).body.status, "blocked");
  });

  test("no uncaught error in the page along the way", () => {
    assert.deepEqual(pageErrors, []);
  });
});
