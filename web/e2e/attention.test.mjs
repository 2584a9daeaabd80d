// "Needs you" against a real daemon in headless Chromium: a session's Notification hook puts it
// in the attention strip with its reason and in the tab title's count, the item opens the
// session (whose page says why it waits), and the hook that ends the wait takes it away; a failed run shows live and, once
// dismissed, stays dismissed across a reload.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { freePort, launchBrowser, rest, startDaemon, tempDir } from "./harness.mjs";

const WAIT = { timeout: 20_000 };
const SESSION = "7b2d4e6f-e2e0-4a1b-8c9d-0123456789ab";
const REASON = "Claude needs your permission to use Bash";

async function must(pending) {
  const res = await pending;
  if (res.status >= 300) throw new Error(`HTTP ${res.status}: ${JSON.stringify(res.body)}`);
  return res.body;
}

describe("needs you", { timeout: 180_000 }, () => {
  let dataDir;
  let daemon;
  let browser;
  let page;
  const pageErrors = [];

  const strip = () => page.locator('[data-testid="attention-strip"]');
  const item = (text) => page.locator('[data-testid="attention-item"]', { hasText: text });
  const hook = (payload) =>
    must(rest(daemon.base, "POST", "/api/hooks/claude", { session_id: SESSION, cwd: dataDir, ...payload }));
  const title = (want) => page.waitForFunction((t) => document.title === t, want, WAIT);

  before(async () => {
    dataDir = tempDir("tidewire-e2e-attention-");
    daemon = await startDaemon({ port: await freePort(), dataDir });
    browser = await launchBrowser();
    page = await browser.context.newPage();
    page.on("pageerror", (err) => pageErrors.push(err.message));
  });

  after(async () => {
    await browser?.close();
    await daemon?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  test("a waiting session shows with its reason, counts in the title, opens, and goes when it stops waiting", async () => {
    await page.goto(`${daemon.base}/tasks`);
    await page.locator('[data-testid="connection-status"][data-state="connected"]').waitFor(WAIT);
    await title("Tidewire — Tasks");
    assert.equal(await strip().count(), 0);

    await hook({ hook_event_name: "SessionStart", source: "startup" });
    await hook({ hook_event_name: "Notification", message: REASON, notification_type: "permission_prompt" });
    const waiting = item(REASON);
    await waiting.waitFor(WAIT);
    assert.equal(await waiting.getAttribute("data-kind"), "session");
    await title("(1) Tidewire — Tasks");

    await waiting.getByRole("link").click();
    await page.waitForURL((url) => url.pathname === `/sessions/${SESSION}`, WAIT);
    await page.getByRole("heading", { level: 1 }).waitFor(WAIT);
    await title("(1) Tidewire — Sessions");
    const reason = page.locator('main [data-testid="waiting-reason"]');
    await reason.waitFor(WAIT);
    assert.equal(await reason.innerText(), REASON);

    // The user answered the prompt: the tool runs and the session is active again.
    await hook({ hook_event_name: "PreToolUse", tool_name: "Bash", tool_input: { command: "make test" } });
    await strip().waitFor({ state: "detached", ...WAIT });
    await reason.waitFor({ state: "detached", ...WAIT });
    await title("Tidewire — Sessions");
    assert.deepEqual(pageErrors, []);
  });

  test("desktop notifications, once turned on, raise one for a new item and none for those already there", async () => {
    // The browser's own Notification, watched: each one the page raises is recorded.
    await page.addInitScript(() => {
      const Real = window.Notification;
      window.__raised = [];
      class Watched extends Real {
        constructor(title, options) {
          super(title, options);
          window.__raised.push({ title, body: options?.body ?? null });
        }
      }
      Object.defineProperty(Watched, "permission", { get: () => Real.permission });
      Watched.requestPermission = (...args) => Real.requestPermission(...args);
      window.Notification = Watched;
    });
    await browser.context.grantPermissions(["notifications"], { origin: daemon.base });
    await hook({ hook_event_name: "Notification", message: "Already waiting at load" });
    await page.goto(`${daemon.base}/connection`);
    await page.locator('[data-testid="connection-status"][data-state="connected"]').first().waitFor(WAIT);
    await item("Already waiting at load").waitFor(WAIT);
    const setting = page.locator('[data-testid="notify-setting"]');
    assert.match(await setting.innerText(), /\(off\)/);
    await setting.getByRole("button", { name: "Notify me on the desktop" }).click();
    await page.waitForFunction(() => document.querySelector('[data-testid="notify-setting"]')?.textContent?.includes("(on)"), null, WAIT);

    const other = "8c3e5f70-e2e0-4a1b-8c9d-0123456789ab";
    await must(
      rest(daemon.base, "POST", "/api/hooks/claude", {
        session_id: other,
        cwd: dataDir,
        hook_event_name: "PermissionRequest",
        tool_name: "Bash",
        tool_input: { command: "rm -rf build" },
      }),
    );
    await item("Permission to use Bash: rm -rf build").waitFor(WAIT);
    await page.waitForFunction(() => window.__raised.length > 0, null, WAIT);
    assert.deepEqual(await page.evaluate(() => window.__raised), [
      { title: "Session 8c3e5f70 is waiting", body: "Permission to use Bash: rm -rf build" },
    ]);
    // Both waits end: nothing is left for the next test.
    await hook({ hook_event_name: "Stop", stop_hook_active: false });
    await must(rest(daemon.base, "POST", "/api/hooks/claude", { session_id: other, hook_event_name: "SessionEnd", reason: "exit" }));
    await strip().waitFor({ state: "detached", ...WAIT });
    assert.deepEqual(pageErrors, []);
  });

  test("a failed run shows live, and dismissed it stays dismissed after a reload", async () => {
    await page.goto(`${daemon.base}/`);
    await page.locator('[data-testid="connection-status"][data-state="connected"]').waitFor(WAIT);
    const repo = join(dataDir, "repo");
    mkdirSync(repo);
    const git = (...args) => execFileSync("git", args, { cwd: repo, stdio: "ignore" });
    git("init", "-q", "-b", "main");
    git("-c", "user.email=e2e@example.com", "-c", "user.name=E2E", "commit", "-q", "--allow-empty", "-m", "start");
    const project = await must(rest(daemon.base, "POST", "/api/projects", { path: repo }));
    await must(
      rest(daemon.base, "POST", "/api/agents", {
        prompt: "Migrate the orders table",
        project_id: project.id,
        command: ["sh", "-c", "echo 'column exists' >&2; exit 3"],
      }),
    );
    const failed = item("Migrate the orders table");
    await failed.waitFor(WAIT);
    assert.equal(await failed.getAttribute("data-kind"), "run");
    await title("(1) Tidewire — Dashboard");
    await failed.getByRole("button", { name: /^Dismiss/ }).click();
    await strip().waitFor({ state: "detached", ...WAIT });
    await title("Tidewire — Dashboard");

    await page.reload();
    await page.locator('[data-testid="connection-status"][data-state="connected"]').waitFor(WAIT);
    await page.locator('[data-testid="activity-pulse"] .figure').waitFor(WAIT);
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="skeleton"]').length === 0, null, WAIT);
    assert.equal(await strip().count(), 0);
    assert.equal(await page.title(), "Tidewire — Dashboard");
    assert.deepEqual(pageErrors, []);
  });
});
