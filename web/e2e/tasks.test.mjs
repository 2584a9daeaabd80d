// Task management against a real daemon with demo data in headless Chromium: a title opens the
// task's detail at its own address, edits there reach the daemon, a card dragged across the
// board changes the task's status (and a refused move goes back with a toast), and the
// keyboard shortcuts work.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { must, openDemo } from "./demo.mjs";
import { rest } from "./harness.mjs";

const WAIT = { timeout: 20_000 };

describe("task management", { timeout: 300_000 }, () => {
  let opened;
  let daemon;
  let page;
  let demo;
  let pageErrors;
  const connected = () => page.locator('[data-testid="connection-status"][data-state="connected"]').first();
  const getTask = (id) => must(rest(daemon.base, "GET", `/api/tasks/${id}`), `get ${id}`);
  const until = async (check, what) => {
    for (let i = 0; i < 100; i++) {
      if (await check()) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.fail(`timed out waiting for ${what}`);
  };

  before(async () => {
    opened = await openDemo("tidewire-e2e-tasks-");
    ({ daemon, page, demo, pageErrors } = opened);
  });

  after(async () => {
    await opened?.close();
  });

  test("a title opens the detail at its own address; title, labels and description edits reach the daemon", async () => {
    const { flaky } = demo.tasks;
    await page.goto(`${daemon.base}/tasks`);
    await connected().waitFor(WAIT);
    await page.locator(`[data-testid="task-row"][data-task-id="${flaky.id}"] .task-open`).click();
    await page.waitForURL(`**/tasks/${flaky.id}`);
    const panel = page.locator('[data-testid="task-detail"]');
    await panel.waitFor(WAIT);

    await panel.getByRole("button", { name: "Edit title" }).click();
    await panel.getByLabel("Title").fill("Fix the flaky login test for good");
    await panel.getByLabel("Title").press("Enter");
    await until(async () => (await getTask(flaky.id)).title === "Fix the flaky login test for good", "the title");

    await panel.getByLabel("Add a label").fill("ci");
    await panel.getByLabel("Add a label").press("Enter");
    await until(async () => (await getTask(flaky.id)).labels.includes("ci"), "the label");

    await panel.getByRole("button", { name: "Edit description" }).click();
    await panel.getByLabel("Description (Markdown)").fill("Fails **one run in ten**.\n\n<script>window.hacked = 1</script>");
    await panel.getByRole("button", { name: "Save" }).click();
    await panel.locator(".markdown strong", { hasText: "one run in ten" }).waitFor(WAIT);
    assert.equal(await page.evaluate(() => window.hacked), undefined);
    await until(async () => /one run in ten/.test((await getTask(flaky.id)).description), "the description");

    // The history comes from the daemon's event log and follows live.
    await panel.locator('[data-testid="detail-history"]', { hasText: "Changed title" }).waitFor(WAIT);
    await panel.locator('[data-testid="detail-history"]', { hasText: "status open → blocked" }).waitFor(WAIT);
    // Its worktree is listed with it.
    await panel.locator('[data-testid="detail-work"]', { hasText: "fix/login-test" }).waitFor(WAIT);

    // The address opens the same panel after a reload.
    await page.reload();
    await panel.locator('[data-testid="detail-title"]', { hasText: "Fix the flaky login test for good" }).waitFor(WAIT);
  });

  test("dragging a card to another column moves the task; a refused move goes back with a toast", async () => {
    const open = await must(rest(daemon.base, "POST", "/api/tasks", { title: "Drag me across", project_id: demo.project.id, priority: 0 }), "create");
    await page.goto(`${daemon.base}/tasks?view=board`);
    await connected().waitFor(WAIT);
    const card = page.locator(`[data-testid="board-card"][data-task-id="${open.id}"]`);
    await card.waitFor(WAIT);
    const drag = async (to) => {
      const handle = card.getByTestId("drag-handle");
      const target = page.locator(`[data-testid="board-column"][data-status="${to}"] .board-scroll`);
      const from = await handle.boundingBox();
      const box = await target.boundingBox();
      await page.mouse.move(from.x + from.width / 2, from.y + from.height / 2);
      await page.mouse.down();
      // Several steps: the drag starts after a few pixels and the columns are measured as it moves.
      await page.mouse.move(box.x + box.width / 2, box.y + 60, { steps: 12 });
      await page.mouse.up();
    };
    await drag("in_progress");
    await page.locator(`[data-testid="board-column"][data-status="in_progress"] [data-task-id="${open.id}"]`).waitFor(WAIT);
    await until(async () => (await getTask(open.id)).status === "in_progress", "the moved status");
    // The next drag starts from the card as it settled in its new column.
    await page.locator(`[data-testid="board-column"][data-status="in_progress"] [data-task-id="${open.id}"][data-pending="false"]`).waitFor(WAIT);
    // A new drag cannot start while the last one's drop animation is still running.
    await page.locator(".drag-preview").waitFor({ state: "detached", ...WAIT });

    // Closed elsewhere meanwhile is fine; a move the daemon refuses (here: the route answers 409)
    // shows the card back in its column and a toast.
    await page.route(`**/api/tasks/${open.id}`, (route) =>
      route.request().method() === "PATCH"
        ? route.fulfill({ status: 409, contentType: "application/json", body: JSON.stringify({ error: { code: "conflict", message: "refused for the test" } }) })
        : route.continue(),
    );
    await drag("blocked");
    await page.locator("[data-sonner-toast]", { hasText: "refused for the test" }).waitFor(WAIT);
    await page.locator(`[data-testid="board-column"][data-status="in_progress"] [data-task-id="${open.id}"]`).waitFor(WAIT);
    await page.unroute(`**/api/tasks/${open.id}`);
    assert.equal((await getTask(open.id)).status, "in_progress");
  });

  test("a card moves by keyboard too: Space on its handle, an arrow per column, Space to drop", async () => {
    const made = await must(rest(daemon.base, "POST", "/api/tasks", { title: "Move me by keys", project_id: demo.project.id, priority: 0 }), "create");
    await page.goto(`${daemon.base}/tasks?view=board`);
    await connected().waitFor(WAIT);
    const handle = page.locator(`[data-testid="board-card"][data-task-id="${made.id}"] [data-testid="drag-handle"]`);
    await handle.waitFor(WAIT);
    await handle.focus();
    // Each key waits for the board to show the column the card is over, as a user would see it:
    // the keyboard sensor measures the columns between moves.
    const over = (status) => page.locator(`[data-testid="board-column"][data-status="${status}"][data-over="true"]`).waitFor(WAIT);
    await page.keyboard.press("Space");
    await over("open");
    await page.keyboard.press("ArrowRight");
    await over("in_progress");
    await page.keyboard.press("ArrowRight");
    await over("blocked");
    await page.keyboard.press("Space");
    await page.locator(`[data-testid="board-column"][data-status="blocked"] [data-task-id="${made.id}"]`).waitFor(WAIT);
    await until(async () => (await getTask(made.id)).status === "blocked", "the status set by keyboard");
  });

  test("a sort picked shows at once, and the address follows", async () => {
    await page.goto(`${daemon.base}/tasks`);
    await connected().waitFor(WAIT);
    const sort = page.getByRole("combobox", { name: "Sort" });
    const other = await sort.evaluate((select) => [...select.options].map((o) => o.value).find((v) => v !== select.value));
    // Read right after the change event: the address changes in a transition a moment later,
    // and a select fed from the address alone would still show the old sort here.
    const shown = await sort.evaluate(async (select, value) => {
      select.value = value;
      select.dispatchEvent(new Event("change", { bubbles: true }));
      await Promise.resolve();
      return select.value;
    }, other);
    assert.equal(shown, other, "the sort shows the pick as soon as it is picked");
    await until(() => new URL(page.url()).searchParams.get("sort") === other, `sort=${other} in the address (at ${page.url()})`);
    assert.deepEqual(pageErrors, []);
  });

  test("keyboard: / searches, j and k select, Enter opens, ? lists the shortcuts", async () => {
    await page.goto(`${daemon.base}/tasks`);
    await connected().waitFor(WAIT);
    await page.locator('[data-testid="task-row"]').first().waitFor(WAIT);
    await page.keyboard.press("/");
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute("aria-label")), "Filter tasks");
    await page.keyboard.type("pagination");
    await page.locator('[data-testid="task-counts"]', { hasText: /^1 of \d+ tasks/ }).waitFor(WAIT);
    // Out of the box (Escape would clear it, as search boxes do), so keys are shortcuts again.
    await page.locator("h1").click();
    await page.keyboard.press("j");
    await page.locator('[data-testid="task-row"][data-selected="true"]').waitFor(WAIT);
    // The selection takes the focus, so a screen reader says which task it is on.
    await until(
      () => page.evaluate(() => document.activeElement?.closest('[data-selected="true"]') !== null),
      "focus on the selected row",
    );
    await page.keyboard.press("Enter");
    await until(() => page.url().endsWith(`/tasks/${demo.tasks.search.id}?q=pagination`), `the detail's address (at ${page.url()})`);
    await until(() => page.evaluate(() => document.activeElement?.id === "task-detail-title"), "focus in the opened detail");
    await page.locator("h1").click();
    await page.keyboard.press("?");
    await page.getByRole("dialog", { name: "Keyboard shortcuts" }).waitFor(WAIT);
    await page.keyboard.press("Escape");
    await page.getByRole("dialog").waitFor({ state: "detached", ...WAIT });
    assert.deepEqual(pageErrors, []);
  });
});
