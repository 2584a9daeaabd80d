// A session's transcript as a reader sees it, against a real daemon following a real transcript
// file: text rendered as Markdown, tool calls and results as folds, a failed tool result marked
// and open, and the session's full id copied to the clipboard from its page.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { openDemo } from "./demo.mjs";

const WAIT = { timeout: 20_000 };

describe("session transcript", { timeout: 180_000 }, () => {
  let opened;
  before(async () => {
    opened = await openDemo("tidewire-e2e-transcript-");
  });
  after(async () => {
    await opened?.close();
  });

  test("renders Markdown, folds tool blocks and marks the failed tool result", async () => {
    const { page, daemon, demo, pageErrors } = opened;
    await page.goto(`${daemon.base}/sessions/${demo.sessionId}`);
    const messages = page.locator('[data-testid="session-messages"]');
    await messages.locator('[data-error="true"]').first().waitFor(WAIT);
    assert.equal(await messages.locator("article .markdown strong", { hasText: "cursor" }).count(), 1);
    const call = messages.locator('details[data-kind="tool_use"]').first();
    assert.match(await call.locator("summary").innerText(), /Tool call\s+Read/);
    assert.equal(await call.getAttribute("open"), "");
    const failed = messages.locator('details[data-kind="tool_result"][data-error="true"]');
    assert.equal(await failed.count(), 1);
    assert.match(await failed.locator("summary").innerText(), /Tool error\s+Bash/);
    assert.equal(await failed.getAttribute("open"), "");
    assert.match(await failed.innerText(), /1 failing: search returns a next cursor/);
    const ok = messages.locator('details[data-kind="tool_result"]:not([data-error])');
    assert.match(await ok.locator("summary").innerText(), /Tool result\s+Read/);
    assert.deepEqual(pageErrors, []);
  });

  test("copies the session's full id", async () => {
    const { page, daemon, demo, browser } = opened;
    await browser.context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: daemon.base });
    await page.goto(`${daemon.base}/sessions/${demo.sessionId}`);
    await page.getByRole("button", { name: `Copy session id ${demo.sessionId}` }).click();
    await page.getByRole("button", { name: `Copy session id ${demo.sessionId}` }).filter({ hasText: "Copied" }).waitFor(WAIT);
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), demo.sessionId);
  });
});
