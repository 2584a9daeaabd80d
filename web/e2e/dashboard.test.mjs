// The dashboard's glitches, against a real daemon with demo data in headless Chromium:
// skeletons (not "Nothing yet" or zeros) while the API is slow, the activity feed as linked
// sentences with one line per hook call, the "in progress" card opening the filtered task
// list (kept in the address through reload and back/forward), and the worktrees table as a
// focusable scroll region that fits at 1440 px.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { blockingViolations, describeViolations } from "./axe.mjs";
import { must, openDemo } from "./demo.mjs";
import { mcpCall, rest } from "./harness.mjs";

const WAIT = { timeout: 20_000 };

describe("dashboard glitches", { timeout: 300_000 }, () => {
  let opened;
  let daemon;
  let browser;
  let page;
  let demo;
  const connected = () => page.locator('[data-testid="connection-status"][data-state="connected"]').first();
  const line = (text) => page.locator('[data-testid="activity-line"]', { hasText: text });

  let pageErrors;

  before(async () => {
    opened = await openDemo("tidewire-e2e-dash-");
    ({ daemon, browser, page, demo, pageErrors } = opened);
  });

  after(async () => {
    await opened?.close();
  });

  // First, while this browser profile has no cached data that would skip the loading state.
  test("while the API is slow the dashboard shows skeletons, never 'Nothing yet' or zeros", async () => {
    let release;
    const gate = new Promise((r) => (release = r));
    const slow = /\/api\/(tasks|agents|sessions|worktrees|mcp-servers|events)(\?|\/|$)/;
    // On the context, so requests the service worker makes are held as well.
    const hold = async (route) => {
      await gate;
      await route.continue();
    };
    await browser.context.route(slow, hold);
    try {
      await page.goto(`${daemon.base}/`);
      await connected().waitFor(WAIT);
      await page.locator('[data-testid="skeleton"]').first().waitFor(WAIT);
      const text = await page.locator("main").innerText();
      assert.doesNotMatch(text, /Nothing yet/);
      assert.doesNotMatch(text, /\b0 agents active/);
      assert.doesNotMatch(text, /No agent is running/);
      assert.equal(await page.locator('[data-testid="stat-in-progress"] [data-testid="skeleton"]').count(), 1);
      assert.equal(await page.locator('[data-testid="activity-pulse"] [data-testid="skeleton"]').count(), 1);
    } finally {
      release();
    }
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="skeleton"]').length === 0, null, WAIT);
    await browser.context.unroute(slow, hold);
    assert.equal((await page.locator('[data-testid="stat-in-progress"]').innerText()).trim(), "1");
    // The feed shows the newest events, whichever they are (the demo's last are its agent runs).
    await page.locator('[data-testid="activity-line"]').first().waitFor(WAIT);
    assert.match(await page.locator('[data-testid="activity-pulse"]').innerText(), /\d+ agents? active/);
  });

  test("activity entries are sentences that link to their record", async () => {
    await page.goto(`${daemon.base}/`);
    await connected().waitFor(WAIT);
    const task = await must(rest(daemon.base, "POST", "/api/tasks", { title: "Fix login" }), "create");
    await must(rest(daemon.base, "PATCH", `/api/tasks/${task.id}`, { status: "in_progress" }), "update");
    const moved = line("Task “Fix login” moved to in progress");
    await moved.waitFor(WAIT);
    await line("Task “Fix login” created").waitFor(WAIT);
    // No raw event names on screen.
    assert.doesNotMatch(await page.locator('[data-testid="recent-activity"]').innerText(), /\btask\.updated\b|\bhook\./);
    await moved.getByRole("link").click();
    await page.waitForURL((url) => url.pathname === "/tasks" && url.searchParams.get("q") === task.id, WAIT);
    await page.locator(`[data-testid="task-row"][data-task-id="${task.id}"]`).waitFor(WAIT);
    assert.equal(await page.locator('[data-testid="task-row"]').count(), 1);
  });

  test("one hook call is one line: its session change does not get a line of its own", async () => {
    await page.goto(`${daemon.base}/`);
    await connected().waitFor(WAIT);
    const before = (await rest(daemon.base, "GET", "/api/health")).body.seq;
    await must(
      rest(daemon.base, "POST", "/api/hooks/claude", {
        session_id: demo.sessionId,
        hook_event_name: "PreToolUse",
        tool_name: "Grep",
        tool_input: { pattern: "cursor" },
      }),
      "hook",
    );
    const events = (await rest(daemon.base, "GET", `/api/events?after_seq=${before}&limit=50`)).body.items;
    const hook = events.find((e) => e.type === "hook.pre_tool_use");
    const change = events.find((e) => e.type === "session.updated" && e.data.session_id === demo.sessionId);
    assert.ok(hook && change, `the daemon sent a hook and its session change: ${events.map((e) => e.type)}`);
    const use = line(`Session ${demo.sessionId.slice(0, 8)} is using Grep`);
    await use.waitFor(WAIT);
    assert.equal(await use.count(), 1);
    assert.equal(await use.getAttribute("data-seq"), String(hook.seq));
    // Give the feed time to show the session change too, were it going to.
    await page.waitForTimeout(500);
    assert.equal(await page.locator(`[data-testid="activity-line"][data-seq="${change.seq}"]`).count(), 0);
    await use.getByRole("link").click();
    await page.waitForURL((url) => url.pathname === `/sessions/${demo.sessionId}`, WAIT);
    await page.locator('[data-testid="session-messages"]').waitFor(WAIT);
  });

  test("the 'in progress' card opens the list filtered by status, kept through reload and back/forward", async () => {
    await page.goto(`${daemon.base}/`);
    await connected().waitFor(WAIT);
    await page.locator('a.stat:has([data-testid="stat-in-progress"])').click();
    const filtered = (status) => (url) => url.pathname === "/tasks" && url.searchParams.get("status") === status;
    await page.waitForURL(filtered("in_progress"), WAIT);
    // Navigations are transitions: the address changes a moment before the view follows it, so
    // the check waits for the filter and the rows to show the status rather than reading once.
    const check = async (status) => {
      const deadline = Date.now() + WAIT.timeout;
      for (;;) {
        const value = await page.getByLabel("Status filter").inputValue();
        const statuses = await page.locator('[data-testid="task-row"]').evaluateAll((rows) => rows.map((r) => r.dataset.status));
        if (value === status && statuses.length >= 1 && statuses.every((s) => s === status)) return;
        if (Date.now() > deadline) assert.fail(`filter ${value}, rows ${statuses}; expected only ${status}`);
        await page.waitForTimeout(50);
      }
    };
    await check("in_progress");
    await page.reload();
    await connected().waitFor(WAIT);
    assert.ok(filtered("in_progress")(new URL(page.url())));
    await check("in_progress");

    await page.getByLabel("Status filter").selectOption("blocked");
    await page.waitForURL(filtered("blocked"), WAIT);
    await check("blocked");
    await page.goBack();
    await page.waitForURL(filtered("in_progress"), WAIT);
    await check("in_progress");
    await page.goBack();
    await page.waitForURL((url) => url.pathname === "/", WAIT);
    await page.goForward();
    await page.waitForURL(filtered("in_progress"), WAIT);
    await check("in_progress");
  });

  test("at 1440 px the worktrees table is a focusable region and its last column is not clipped", async () => {
    await mcpCall(daemon.base, "create_worktree", {
      branch: "feature/search-results-pagination-with-opaque-cursor-tokens-and-stable-ordering",
      project_id: demo.project.id,
      task_id: demo.tasks.search.id,
    });
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.goto(`${daemon.base}/worktrees`);
    await connected().waitFor(WAIT);
    await page.locator('[data-testid="worktree-row"]').nth(2).waitFor(WAIT);
    const region = page.getByRole("region", { name: "Worktrees table" });
    assert.equal(await region.getAttribute("tabindex"), "0");

    // Reachable with the keyboard alone.
    await page.locator("body").focus();
    let focused = false;
    for (let i = 0; i < 40 && !focused; i++) {
      await page.keyboard.press("Tab");
      focused = await region.evaluate((el) => el === document.activeElement);
    }
    assert.ok(focused, "Tab reaches the worktrees table");

    const fit = await region.evaluate((el) => {
      const box = el.getBoundingClientRect();
      const cells = [...el.querySelectorAll("tr > :last-child")].map((c) => c.getBoundingClientRect().right);
      return { scrollWidth: el.scrollWidth, clientWidth: el.clientWidth, right: box.right, lastRight: Math.max(...cells) };
    });
    assert.ok(fit.scrollWidth <= fit.clientWidth, `no sideways scroll at 1440 px: ${JSON.stringify(fit)}`);
    assert.ok(fit.lastRight <= fit.right + 0.5, `last column inside the table's box: ${JSON.stringify(fit)}`);
    const found = await blockingViolations(page);
    assert.equal(found.length, 0, describeViolations(found));
    assert.deepEqual(pageErrors, []);
  });
});
