// Every view of the dashboard, filled with demo data from a real daemon, checked with
// axe-core in headless Chromium in both colour schemes: any serious or critical violation
// fails the run.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { blockingViolations, describeViolations } from "./axe.mjs";
import { openDemo } from "./demo.mjs";
import { rest } from "./harness.mjs";

const WAIT = { timeout: 20_000 };

describe("every view passes axe with demo data", { timeout: 300_000 }, () => {
  let opened;
  let daemon;
  let page;
  let demo;

  let pageErrors;

  before(async () => {
    opened = await openDemo("tidewire-e2e-views-");
    ({ daemon, page, demo, pageErrors } = opened);
  });

  after(async () => {
    await opened?.close();
  });

  // Each view with what shows that its data is on screen (not a skeleton).
  const views = () => [
    { path: "/", ready: '[data-testid="activity-line"]' },
    { path: "/projects", ready: '[data-testid="project-row"]' },
    { path: "/tasks", ready: '[data-testid="task-row"]' },
    { path: "/tasks?status=in_progress", ready: '[data-testid="task-row"]' },
    { path: "/tasks?view=board", ready: '[data-testid="board-card"]' },
    { path: `/tasks/${demo.tasks.checkout.id}`, ready: '[data-testid="detail-subtasks"]' },
    { path: `/tasks/${demo.tasks.search.id}?view=board`, ready: '[data-testid="detail-history"]' },
    { path: "/tasks", ready: '[data-testid="task-row"]', then: (p) => p.keyboard.press("?"), shown: '[data-testid="shortcut-help"]' },
    { path: "/sessions", ready: '[data-testid="session-row"]' },
    { path: `/sessions/${demo.sessionId}`, ready: '[data-testid="session-messages"]' },
    { path: "/agents", ready: '[data-testid="agent-row"]' },
    { path: "/loops", ready: 'form[aria-label="Start a loop"]' },
    { path: "/mcp", ready: '[data-testid="mcp-row"]' },
    { path: "/worktrees", ready: '[data-testid="worktree-row"]' },
    {
      // Frames arrive only once the page is subscribed: one is made, then opened. An update
      // rather than a create, so that no toast covers what is checked.
      path: "/events?p=task.*",
      ready: '[data-testid="events-status"][data-live="true"]',
      then: async (p) => {
        const description = `Seen on the events page at ${Date.now()}`;
        await rest(daemon.base, "PATCH", `/api/tasks/${demo.tasks.docs.id}`, { description });
        await p.locator('[data-testid="event-row"] button').first().click();
      },
      shown: '[data-testid="frame-inspector"]',
    },
    {
      // A toast over the page, in the tone a new task gets (each tone's colours are set together).
      path: "/tasks",
      ready: '[data-testid="task-row"]',
      then: () => rest(daemon.base, "POST", "/api/tasks", { title: `Toast check ${Date.now()}`, project_id: demo.project.id }),
      shown: '[data-sonner-toast][data-type="success"]',
    },
    {
      // The attention strip with both kinds of item: the demo's failed run, and its session
      // waiting for a permission (a Notification hook, as Claude Code sends it).
      path: "/sessions",
      ready: '[data-testid="session-row"]',
      then: () =>
        rest(daemon.base, "POST", "/api/hooks/claude", {
          session_id: demo.sessionId,
          hook_event_name: "Notification",
          message: "Claude needs your permission to use Bash",
        }),
      shown: '[data-testid="attention-strip"] [data-testid="attention-item"][data-kind="session"]',
    },
    { path: "/connection", ready: "h1" },
    { path: "/no-such-page", ready: "h1" },
  ];

  for (const scheme of ["dark", "light"]) {
    test(`no serious or critical violations in any view (${scheme})`, async () => {
      await page.emulateMedia({ colorScheme: scheme, reducedMotion: "reduce" });
      const failures = [];
      for (const view of views()) {
        await page.goto(`${daemon.base}${view.path}`);
        await page.locator('[data-testid="connection-status"][data-state="connected"]').first().waitFor(WAIT);
        await page.locator(view.ready).first().waitFor(WAIT);
        await page.waitForFunction(() => document.querySelectorAll('[data-testid="skeleton"]').length === 0, null, WAIT);
        if (view.then) {
          await view.then(page);
          await page.locator(view.shown).waitFor(WAIT);
        }
        const found = await blockingViolations(page);
        if (found.length) failures.push(`${view.path}:\n  ${describeViolations(found)}`);
      }
      assert.equal(failures.length, 0, `axe found:\n${failures.join("\n")}`);
      assert.deepEqual(pageErrors, []);
    });
  }
});
