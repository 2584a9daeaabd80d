// The Events page against a real daemon in headless Chromium: a pattern typed in the box is
// subscribed (and kept in the URL), a task created through REST shows up as its frame, only
// what the pattern names is listed, pause counts new frames without moving the list and
// resume shows them, a row opens the frame's JSON (copyable), the list follows the newest frame
// unless scrolled up, a bad pattern is refused inline,
// and axe finds no serious violation on the page.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { rmSync } from "node:fs";
import { blockingViolations, describeViolations } from "./axe.mjs";
import { must } from "./demo.mjs";
import { freePort, launchBrowser, rest, startDaemon, tempDir } from "./harness.mjs";

const WAIT = { timeout: 20_000 };

describe("events page", { timeout: 300_000 }, () => {
  let scratch;
  let daemon;
  let browser;
  let page;
  const pageErrors = [];

  const rows = () => page.locator('[data-testid="event-row"]');
  const live = () => page.locator('[data-testid="events-status"][data-live="true"]');
  const createTask = (title) => must(rest(daemon.base, "POST", "/api/tasks", { title }), `create ${title}`);

  before(async () => {
    scratch = tempDir("tidewire-e2e-events-");
    daemon = await startDaemon({ port: await freePort(), dataDir: join(scratch, "data") });
    browser = await launchBrowser();
    await browser.context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: daemon.base });
    page = await browser.context.newPage();
    page.on("pageerror", (err) => pageErrors.push(err.message));
  });

  after(async () => {
    await browser?.close();
    await daemon?.stop();
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  test("a typed pattern is followed: a task created through REST appears, other events do not", async () => {
    await page.goto(`${daemon.base}/`);
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Events" }).click();
    await page.waitForURL("**/events");
    await live().waitFor(WAIT);
    await page.getByTestId("events-empty").waitFor(WAIT);

    const box = page.getByLabel("Patterns");
    await box.fill("task.created");
    await box.press("Enter");
    await page.waitForURL("**/events?p=task.created");
    await live().waitFor(WAIT);
    assert.match(await page.getByTestId("events-empty").innerText(), /No events yet matching task\.created/);

    const first = await createTask("Watch the stream");
    const row = rows().filter({ hasText: "Watch the stream" });
    await row.waitFor(WAIT);
    assert.equal(await row.getAttribute("data-type"), "task.created");
    assert.match(await row.innerText(), new RegExp(`${first.id} \\[open\\] 'Watch the stream'`));

    // task.updated is not task.created: the daemon does not send it, nor does the page list it
    // when another view's subscription brings it in.
    await must(rest(daemon.base, "PATCH", `/api/tasks/${first.id}`, { status: "in_progress" }), "update");
    await createTask("After the update");
    await rows().filter({ hasText: "After the update" }).waitFor(WAIT);
    assert.deepEqual(await rows().evaluateAll((els) => els.map((e) => e.dataset.type)), ["task.created", "task.created"]);
  });

  test("pause counts new frames and keeps the list still; resume shows them all", async () => {
    const before = await rows().count();
    await page.getByRole("button", { name: "Pause" }).click();
    for (const title of ["Paused one", "Paused two", "Paused three"]) await createTask(title);
    await page.getByTestId("pending-count").filter({ hasText: "3 new" }).waitFor(WAIT);
    assert.equal(await rows().count(), before);
    assert.equal(await rows().filter({ hasText: "Paused" }).count(), 0);

    await page.getByRole("button", { name: "Resume" }).click();
    await rows().filter({ hasText: "Paused three" }).waitFor(WAIT);
    assert.equal(await rows().count(), before + 3);
    const seqs = await rows().evaluateAll((els) => els.map((e) => Number(e.dataset.seq)));
    assert.deepEqual(seqs, [...seqs].sort((a, b) => a - b), "oldest at the top, newest at the bottom");
    assert.equal(await page.getByTestId("pending-count").count(), 0);
  });

  test("a row opens the frame's JSON, pretty-printed and copyable", async () => {
    const row = rows().filter({ hasText: "Paused two" });
    const seq = Number(await row.getAttribute("data-seq"));
    await row.getByRole("button").click();
    const inspector = page.getByTestId("frame-inspector");
    await inspector.waitFor(WAIT);
    const text = await inspector.getByTestId("frame-json").innerText();
    assert.match(text, /\n {2}"type": "task\.created",\n/);
    const frame = JSON.parse(text);
    assert.equal(frame.seq, seq);
    assert.equal(frame.data.task.title, "Paused two");

    await inspector.getByRole("button", { name: "Copy JSON" }).click();
    await inspector.getByText("Copied to the clipboard.").waitFor(WAIT);
    assert.deepEqual(JSON.parse(await page.evaluate(() => navigator.clipboard.readText())), frame);

    const found = await blockingViolations(page);
    assert.equal(found.length, 0, `axe found:\n${describeViolations(found)}`);

    await page.keyboard.press("Escape");
    await inspector.waitFor({ state: "detached", ...WAIT });
  });

  test("the list follows the newest frame at the bottom; scrolled up it stays put until asked to jump", async () => {
    const list = page.getByTestId("event-list");
    const fromBottom = () => list.evaluate((el) => el.scrollHeight - el.scrollTop - el.clientHeight);
    const received = async () => Number((await page.getByTestId("events-status").innerText()).match(/([\d,]+) received/)[1].replace(/,/g, ""));
    const receivedReaches = async (n) => {
      for (let i = 0; i < 200 && (await received()) < n; i++) await new Promise((r) => setTimeout(r, 100));
      assert.ok((await received()) >= n, `${n} frames received`);
    };
    const start = await received();
    await Promise.all(Array.from({ length: 40 }, (_, i) => createTask(`Bulk ${i}`)));
    await receivedReaches(start + 40);
    await list.locator('[data-testid="event-row"]', { hasText: "Bulk" }).last().waitFor(WAIT);
    assert.equal(await list.getAttribute("data-follow"), "true");
    assert.ok((await fromBottom()) < 16, "following: scrolled to the newest row");

    await list.evaluate((el) => {
      el.scrollTop = 0;
    });
    await page.locator('[data-testid="event-list"][data-follow="false"]').waitFor(WAIT);
    await createTask("While scrolled up");
    await receivedReaches(start + 41);
    assert.equal(await list.evaluate((el) => el.scrollTop), 0, "a reader scrolled up is not pulled down");

    await page.getByRole("button", { name: "Jump to newest" }).click();
    await rows().filter({ hasText: "While scrolled up" }).waitFor(WAIT);
    await page.locator('[data-testid="event-list"][data-follow="true"]').waitFor(WAIT);
    assert.ok((await fromBottom()) < 16);
  });

  test("a bad pattern is refused inline; the link keeps the last good set across a reload", async () => {
    const box = page.getByLabel("Patterns");
    await box.fill("task.created task");
    await box.press("Enter");
    await page.getByRole("alert").filter({ hasText: '"task" is not an event name' }).waitFor(WAIT);
    assert.equal(await box.getAttribute("aria-invalid"), "true");
    assert.match(page.url(), /\/events\?p=task\.created$/);

    await box.fill("task.* session.message");
    await box.press("Enter");
    await page.waitForURL("**/events?p=task.*&p=session.message");
    await page.reload();
    await live().waitFor(WAIT);
    assert.equal(await page.getByLabel("Patterns").inputValue(), "task.* session.message");
    await createTask("After the reload");
    await rows().filter({ hasText: "After the reload" }).waitFor(WAIT);
    assert.deepEqual(pageErrors, []);
  });
});
