// Actions on MCP servers and worktrees in the browser against a real daemon: reconnecting the
// demo's downstream MCP server (a real subprocess) and removing one behind a confirmation
// dialog; claiming, releasing, merging and deleting real git worktrees, merge and delete
// confirmed first; deleted worktrees hidden until asked for. Each step is checked where it
// lands (the daemon's REST answers, the repository), and the views with their tool list or
// dialog open stay free of serious axe-core violations.
import { execFileSync } from "node:child_process";
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { blockingViolations, describeViolations } from "./axe.mjs";
import { must, openDemo } from "./demo.mjs";
import { mcpCall, repoDir, rest } from "./harness.mjs";

const WAIT = { timeout: 30_000 };
const python = join(repoDir, ".venv", "bin", "python");
const fixture = join(repoDir, "tests", "fixtures", "downstream_mcp.py");

describe("actions on MCP servers and worktrees", { timeout: 300_000 }, () => {
  let opened;
  let daemon;
  let page;
  let demo;
  let pageErrors;

  const connected = () => page.locator('[data-testid="connection-status"][data-state="connected"]').first();
  const mcpRow = (name) => page.locator(`[data-testid="mcp-row"][data-server="${name}"]`);
  const wtRow = (id) => page.locator(`[data-testid="worktree-row"][data-worktree-id="${id}"]`);
  const dialog = () => page.getByRole("alertdialog");
  const events = async (type) =>
    (await rest(daemon.base, "GET", "/api/events?limit=1000")).body.items.filter((e) => e.type === type);
  const worktree = async (id) => (await rest(daemon.base, "GET", `/api/worktrees/${id}`)).body;

  async function axeClean(what) {
    const found = await blockingViolations(page);
    assert.equal(found.length, 0, `${what}:\n${describeViolations(found)}`);
  }

  before(async () => {
    opened = await openDemo("tidewire-e2e-actions-");
    ({ daemon, page, demo, pageErrors } = opened);
  });

  after(async () => {
    await opened?.close();
  });

  test("an MCP server's tools expand, and Reconnect makes a new connection", async () => {
    await page.goto(`${daemon.base}/mcp`);
    await connected().waitFor(WAIT);
    const row = mcpRow("toolbox");
    await page.locator('[data-testid="mcp-row"][data-server="toolbox"][data-state="connected"]').waitFor(WAIT);
    await row.getByRole("button", { name: /3 tools/ }).click();
    const tools = page.getByRole("list", { name: "Tools of toolbox" });
    await tools.waitFor(WAIT);
    assert.match(await tools.innerText(), /add — Add two integers\./);
    await axeClean("/mcp with the tool list open");

    const before = (await events("mcp.server_connected")).filter((e) => e.data.server_name === "toolbox").length;
    await row.getByRole("button", { name: "Reconnect toolbox" }).click();
    // Connected again through a new connection: the daemon announced the request, then the connection.
    await page.waitForFunction(
      async ([base, count]) => {
        const r = await fetch(`${base}/api/events?limit=1000`);
        const items = (await r.json()).items.filter((e) => e.data?.server_name === "toolbox");
        return items.filter((e) => e.type === "mcp.server_connected").length > count;
      },
      [daemon.base, before],
      WAIT,
    );
    const asked = (await events("mcp.server_disconnected")).filter((e) => e.data.reason === "reconnect requested");
    assert.equal(asked.length, 1);
    await page.locator('[data-testid="mcp-row"][data-server="toolbox"][data-state="connected"]').waitFor(WAIT);
    const called = await rest(daemon.base, "POST", "/api/mcp-servers/toolbox/call", {
      tool_name: "echo",
      arguments: { text: "still here" },
    });
    assert.equal(called.status, 200);
  });

  test("removing an MCP server asks first, and only then forgets it", async () => {
    assert.ok(existsSync(fixture));
    await must(rest(daemon.base, "POST", "/api/mcp-servers", { name: "scratchpad", command: python, args: [fixture] }), "add");
    await page.goto(`${daemon.base}/mcp`);
    await connected().waitFor(WAIT);
    await mcpRow("scratchpad").waitFor(WAIT);
    await mcpRow("scratchpad").getByRole("button", { name: "Remove scratchpad" }).click();
    await dialog().waitFor(WAIT);
    assert.match(await dialog().innerText(), /Remove scratchpad\?/);
    await axeClean("/mcp with the remove dialog open");
    await dialog().getByRole("button", { name: "Cancel" }).click();
    await dialog().waitFor({ state: "detached", ...WAIT });
    assert.equal((await rest(daemon.base, "GET", "/api/mcp-servers/scratchpad")).status, 200);

    await mcpRow("scratchpad").getByRole("button", { name: "Remove scratchpad" }).click();
    await dialog().getByRole("button", { name: "Remove" }).click();
    await mcpRow("scratchpad").waitFor({ state: "detached", ...WAIT });
    assert.equal((await rest(daemon.base, "GET", "/api/mcp-servers/scratchpad")).status, 404);
    assert.equal(await mcpRow("toolbox").count(), 1);
  });

  test("a worktree is claimed and released from its row", async () => {
    const items = (await rest(daemon.base, "GET", "/api/worktrees")).body.items;
    const login = items.find((w) => w.branch === "fix/login-test");
    await page.goto(`${daemon.base}/worktrees`);
    await connected().waitFor(WAIT);
    await wtRow(login.id).waitFor(WAIT);
    await page.getByLabel("Claim as").fill("e2e-user");
    await wtRow(login.id).getByRole("button", { name: "Claim fix/login-test" }).click();
    await page.locator(`[data-testid="worktree-row"][data-worktree-id="${login.id}"][data-status="claimed"]`).waitFor(WAIT);
    await wtRow(login.id).getByText("e2e-user").waitFor(WAIT);
    await page.waitForFunction(
      async ([base, id]) => (await (await fetch(`${base}/api/worktrees/${id}`)).json()).owner === "e2e-user",
      [daemon.base, login.id],
      WAIT,
    );

    await wtRow(login.id).getByRole("button", { name: "Release fix/login-test" }).click();
    await page.locator(`[data-testid="worktree-row"][data-worktree-id="${login.id}"][data-status="active"]`).waitFor(WAIT);
    await page.waitForFunction(
      async ([base, id]) => (await (await fetch(`${base}/api/worktrees/${id}`)).json()).status === "active",
      [daemon.base, login.id],
      WAIT,
    );
    assert.equal((await worktree(login.id)).owner, null);
  });

  test("merging asks first and merges the branch's commit into main", async () => {
    const wt = await mcpCall(daemon.base, "create_worktree", { branch: "e2e/merge-me", project_id: demo.project.id });
    writeFileSync(join(wt.path, "merged.txt"), "from the worktree\n");
    const git = (...args) => execFileSync("git", args, { cwd: wt.path, stdio: "ignore" });
    git("add", "merged.txt");
    git("-c", "user.email=e2e@example.com", "-c", "user.name=E2E", "commit", "-q", "-m", "merge me");

    await page.goto(`${daemon.base}/worktrees`);
    await connected().waitFor(WAIT);
    await wtRow(wt.id).waitFor(WAIT);
    await wtRow(wt.id).getByRole("button", { name: "Merge e2e/merge-me" }).click();
    await dialog().waitFor(WAIT);
    assert.match(await dialog().innerText(), /Merge e2e\/merge-me into main\?/);
    await axeClean("/worktrees with the merge dialog open");
    await dialog().getByRole("button", { name: "Merge" }).click();
    await page.locator(`[data-testid="worktree-row"][data-worktree-id="${wt.id}"][data-status="merged"]`).waitFor(WAIT);
    await wtRow(wt.id).getByText("into main").waitFor(WAIT);
    const repo = (await rest(daemon.base, "GET", `/api/projects/${demo.project.id}`)).body.path;
    const onMain = execFileSync("git", ["show", "main:merged.txt"], { cwd: repo, encoding: "utf8" });
    assert.equal(onMain, "from the worktree\n");
  });

  test("deleting asks first, removes the checkout, and hides the row until 'Show deleted'", async () => {
    const items = (await rest(daemon.base, "GET", "/api/worktrees")).body.items;
    const login = items.find((w) => w.branch === "fix/login-test");
    await page.goto(`${daemon.base}/worktrees`);
    await connected().waitFor(WAIT);
    await wtRow(login.id).waitFor(WAIT);
    await wtRow(login.id).getByRole("button", { name: "Delete fix/login-test" }).click();
    await dialog().waitFor(WAIT);
    await axeClean("/worktrees with the delete dialog open");
    await page.keyboard.press("Escape");
    await dialog().waitFor({ state: "detached", ...WAIT });
    assert.equal((await worktree(login.id)).status, "active");
    assert.ok(existsSync(login.path));

    await wtRow(login.id).getByRole("button", { name: "Delete fix/login-test" }).click();
    await dialog().getByRole("button", { name: "Delete" }).click();
    await wtRow(login.id).waitFor({ state: "detached", ...WAIT });
    await page.waitForFunction(
      async ([base, id]) => (await (await fetch(`${base}/api/worktrees/${id}`)).json()).status === "deleted",
      [daemon.base, login.id],
      WAIT,
    );
    assert.ok(!existsSync(login.path));

    // The box shows the click at once (read right after the click's own event is handled),
    // though the address it follows changes in a transition a moment later.
    const ticked = await page.getByRole("checkbox", { name: "Show deleted" }).evaluate(async (box) => {
      box.click();
      await Promise.resolve();
      return box.checked;
    });
    assert.equal(ticked, true, "the box is ticked as soon as it is clicked");
    await page.waitForURL((url) => url.searchParams.get("deleted") === "1", WAIT);
    await page.locator(`[data-testid="worktree-row"][data-worktree-id="${login.id}"][data-status="deleted"]`).waitFor(WAIT);
    assert.doesNotMatch(await wtRow(login.id).innerText(), /into/);
    assert.equal(await wtRow(login.id).getByRole("button").count(), 0);
    await axeClean("/worktrees with deleted ones shown");
    assert.deepEqual(pageErrors, []);
  });
});
