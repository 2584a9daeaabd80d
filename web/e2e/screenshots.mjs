// Screenshots of the main views for the README: a real daemon seeded with tasks, a git
// worktree, a downstream MCP server, an agent CLI session and agent runs, then one
// Chromium walking the views. Run with `npm run screenshots` after `npm run build`.
import { mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { seed } from "./demo.mjs";
import { freePort, launchBrowser, mcpCall, repoDir, rest, startDaemon, tempDir } from "./harness.mjs";

const outDir = join(repoDir, "docs", "screenshots");
const WAIT = { timeout: 20_000 };

async function main() {
  const port = await freePort();
  const scratch = tempDir("tidewire-shots-");
  const dataDir = join(scratch, "data");
  mkdirSync(outDir, { recursive: true });
  // The demo transcript lives in the scratch directory, which the daemon reads only when told.
  const daemon = await startDaemon({ port, dataDir, extraArgs: ["--transcript-root", scratch] });
  const browser = await launchBrowser();
  try {
    const { sessionId, tasks } = await seed(daemon.base, scratch);
    const page = await browser.context.newPage();
    const shot = async (name) => {
      await page.waitForTimeout(600); // let the pulse and toasts settle for a clean picture
      await page.screenshot({ path: join(outDir, `${name}.png`) });
      console.log(`docs/screenshots/${name}.png`);
    };
    const nav = async (label) => {
      await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: label, exact: true }).click();
    };
    await page.goto(`${daemon.base}/`);
    await page.locator('[data-testid="connection-status"][data-state="connected"]').waitFor(WAIT);
    await page.locator('[data-testid="dashboard-counts"]').waitFor(WAIT);
    await mcpCall(daemon.base, "create_task", { title: "Investigate slow checkout", priority: 1 });
    const callTools = async (n) => {
      for (let i = 0; i < n; i++) {
        await rest(daemon.base, "POST", "/api/mcp-servers/toolbox/call", { tool_name: "echo", arguments: { text: `ping ${i}` } });
      }
    };
    await callTools(7);
    await page.locator("[data-sonner-toast]").first().waitFor(WAIT);
    await shot("dashboard");

    await nav("Tasks");
    await page.locator('[data-testid="task-row"]').first().waitFor(WAIT);
    await page.getByRole("button", { name: /Expand Checkout flow rewrite/ }).click();
    await shot("tasks");

    await page.goto(`${daemon.base}/tasks?view=board`);
    await page.locator('[data-testid="board-card"]').first().waitFor(WAIT);
    await shot("board");

    await page.goto(`${daemon.base}/tasks/${tasks.checkout.id}`);
    await page.locator('[data-testid="detail-subtasks"]').waitFor(WAIT);
    await page.locator('[data-testid="detail-history"]').waitFor(WAIT);
    await shot("task");

    await nav("Projects");
    await page.locator('[data-testid="project-row"]').first().waitFor(WAIT);
    await shot("projects");

    await nav("Sessions");
    await page.locator('[data-testid="session-row"]').first().waitFor(WAIT);
    await shot("sessions");
    await page.locator(`[data-session-id="${sessionId}"] a`).first().click();
    await page.locator('[data-testid="session-messages"]').waitFor(WAIT);
    await shot("session");

    await nav("Agents");
    await page.locator('[data-testid="agent-row"]').first().waitFor(WAIT);
    await shot("agents");

    await nav("MCP");
    await page.locator('[data-testid="mcp-row"]').first().waitFor(WAIT).catch(() => undefined);
    await callTools(3);
    await shot("mcp");

    await nav("Worktrees");
    await page.locator('[data-testid="worktree-row"]').first().waitFor(WAIT);
    await shot("worktrees");

    await nav("Events");
    const patterns = page.getByLabel("Patterns");
    await patterns.fill("* mcp.tool_called");
    await patterns.press("Enter");
    await page.locator('[data-testid="events-status"][data-live="true"]').waitFor(WAIT);
    await mcpCall(daemon.base, "create_task", { title: "Profile the search endpoint", priority: 2 });
    await callTools(4);
    await page.locator('[data-testid="event-row"]').nth(2).waitFor(WAIT);
    await page.locator('[data-testid="event-row"] button').first().click();
    await page.locator('[data-testid="frame-inspector"]').waitFor(WAIT);
    // The new task's toast would cover the inspector.
    await page.locator("[data-sonner-toast]").first().waitFor({ state: "detached", timeout: 15_000 }).catch(() => undefined);
    await shot("events");

    await nav("Connection");
    await shot("connection");

    await nav("Tasks");
    await daemon.stop();
    await page.locator('[data-testid="stale-indicator"]').waitFor(WAIT);
    await shot("offline");
  } finally {
    await browser.close();
    await daemon.stop();
    rmSync(scratch, { recursive: true, force: true });
  }
}

await main();
