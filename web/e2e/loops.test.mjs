// Autonomous loops in the browser against a real daemon, a real git repository and a stand-in
// agent CLI (a shell script: it commits for a task whose title starts with "do", sleeps for one
// starting with "wait", and exits 0 without committing otherwise). A loop is started from the
// Loops page, watched on its own page (an iteration that merged its commit, one that "made no
// commits"), its runs read as its iterations in the Agents view, the failed iteration links to
// the loop from the attention strip, and a second loop is stopped behind a confirmation. Each
// view, the dialog open too, stays free of serious axe-core violations.
import { execFileSync } from "node:child_process";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { blockingViolations, describeViolations } from "./axe.mjs";
import { must } from "./demo.mjs";
import { freePort, launchBrowser, rest, startDaemon, tempDir } from "./harness.mjs";

const WAIT = { timeout: 60_000 };

const AGENT = `title=$(printf '%s\\n' "$1" | head -n 1)
case "$title" in
  do*) printf '%s\\n' "$title" > "work-$$.txt"
       git add "work-$$.txt"
       git -c user.name=Agent -c user.email=agent@example.invalid commit -q -m "Work: $title" ;;
  wait*) sleep 120 ;;
esac`;

describe("autonomous loops", { timeout: 300_000 }, () => {
  let scratch;
  let daemon;
  let browser;
  let page;
  let project;
  const pageErrors = [];

  const connected = () => page.locator('[data-testid="connection-status"][data-state="connected"]').first();
  const iteration = (n) => page.locator(`[data-testid="loop-iteration"][data-iteration="${n}"]`);

  async function axeClean(what) {
    const found = await blockingViolations(page);
    assert.equal(found.length, 0, `${what}:\n${describeViolations(found)}`);
  }

  before(async () => {
    scratch = tempDir("tidewire-e2e-loops-");
    const repo = join(scratch, "shop");
    mkdirSync(repo);
    const git = (...args) => execFileSync("git", args, { cwd: repo, stdio: "ignore" });
    git("init", "-q", "-b", "main");
    git("-c", "user.email=demo@example.com", "-c", "user.name=Demo", "commit", "-q", "--allow-empty", "-m", "start");
    const config = join(scratch, "tidewire.toml");
    writeFileSync(
      config,
      `[agent]\ngrace_seconds = 2\n[autonomous]\ncommand = ${JSON.stringify(["sh", "-c", AGENT, "agent", "{prompt}"])}\n`,
    );
    daemon = await startDaemon({ port: await freePort(), dataDir: join(scratch, "data"), extraArgs: ["--config", config] });
    project = await must(rest(daemon.base, "POST", "/api/projects", { path: repo, name: "shop" }), "register");
    for (const [title, priority] of [
      ["do the retry button", 0],
      ["skip the cache notes", 1],
    ]) {
      await must(rest(daemon.base, "POST", "/api/tasks", { title, project_id: project.id, priority }), title);
    }
    browser = await launchBrowser();
    page = await browser.context.newPage();
    page.on("pageerror", (err) => pageErrors.push(err.message));
  });

  after(async () => {
    await browser?.close();
    await daemon?.stop();
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  test("a loop started from the Loops page is watched on its page, iteration by iteration", async () => {
    await page.goto(`${daemon.base}/loops`);
    await connected().waitFor(WAIT);
    await page.getByRole("combobox", { name: "Loop project" }).waitFor(WAIT);
    assert.equal(await page.getByRole("combobox", { name: "Loop project" }).inputValue(), project.id);
    await axeClean("/loops");
    await page.getByLabel("Max iterations").fill("2");
    await page.getByRole("button", { name: "Start loop" }).click();
    const link = page.getByTestId("loop-started").getByRole("link");
    await link.waitFor(WAIT);
    const loopId = (await link.innerText()).replace(/^loop /, "");
    await link.click();
    await page.waitForURL(`**/loops/${loopId}`, WAIT);

    await page.locator('[data-testid="loop-iteration"][data-iteration="1"][data-outcome="succeeded"]').waitFor(WAIT);
    assert.match(await iteration(1).innerText(), /do the retry button/);
    assert.match(await iteration(1).innerText(), /Commits \(merged\):\s*[0-9a-f]{7} Work: do the retry button/);
    await page.locator('[data-testid="loop-iteration"][data-iteration="2"][data-outcome="failed"]').waitFor(WAIT);
    assert.match(await iteration(2).getByTestId("iteration-failure").innerText(), /made no commits/);
    await page.getByTestId("stop-reason").filter({ hasText: "max iterations" }).waitFor(WAIT);
    await axeClean(`/loops/${loopId}`);

    // What the page drew is what the daemon recorded.
    const { items } = await must(rest(daemon.base, "GET", `/api/autonomous/${loopId}/iterations`), "iterations");
    assert.deepEqual(
      items.map((i) => i.outcome),
      ["succeeded", "failed"],
    );
    const runHref = await iteration(2).getByRole("link", { name: items[1].agent_id }).getAttribute("href");
    assert.equal(runHref, `/agents/${items[1].agent_id}`);

    // The Agents view names the runs by their iteration, and the failed one is not a green "completed".
    await page.getByRole("navigation").getByRole("link", { name: "Agents" }).click();
    const failedRow = page.locator(`[data-testid="agent-row"][data-agent-id="${items[1].agent_id}"]`);
    await failedRow.getByText("iteration failed").waitFor(WAIT);
    assert.match(await failedRow.getByTestId("loop-run-label").innerText(), /iteration 2/);
    assert.equal(await failedRow.getByTestId("loop-run-label").getAttribute("href"), `/loops/${loopId}`);
    assert.doesNotMatch(await failedRow.innerText(), /You are working on task/);
    await axeClean("/agents with loop runs");

    // The failed iteration, seen live, needs the user: it leads to the loop's page.
    const item = page.locator(`[data-testid="attention-item"][data-key="loop:${loopId}:2"]`);
    await item.waitFor(WAIT);
    await item.getByRole("link").click();
    await page.waitForURL(`**/loops/${loopId}`, WAIT);
  });

  test("a running loop is stopped from the list after a confirmation", async () => {
    await must(rest(daemon.base, "POST", "/api/tasks", { title: "wait for the review", project_id: project.id, priority: 0 }), "task");
    await page.getByRole("navigation").getByRole("link", { name: "Loops" }).click();
    await page.getByRole("button", { name: "Start loop" }).click();
    const link = page.getByTestId("loop-started").getByRole("link");
    await link.waitFor(WAIT);
    const loopId = (await link.innerText()).replace(/^loop /, "");
    const row = page.locator(`[data-testid="loop-row"][data-loop-id="${loopId}"]`);
    await row.getByRole("button", { name: `Stop loop ${loopId}` }).click();
    const dialog = page.getByRole("alertdialog");
    await dialog.waitFor(WAIT);
    await axeClean("/loops with the stop dialog open");
    await dialog.getByRole("button", { name: "Stop loop" }).click();
    await page.locator(`[data-testid="loop-row"][data-loop-id="${loopId}"][data-status="stopped"]`).waitFor(WAIT);
    const loop = await must(rest(daemon.base, "GET", `/api/autonomous/${loopId}`), "loop");
    assert.equal(loop.stop_reason, "stop_requested");
    assert.deepEqual(pageErrors, []);
  });
});
