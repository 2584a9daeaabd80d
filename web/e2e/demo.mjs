// Demo data for the browser tests and the screenshots: a git project with tasks in every
// state, two worktrees, a downstream MCP server with a few calls, an agent CLI session fed
// by hooks and a transcript, and agent runs that finish, fail and keep running. All of it
// goes through the daemon's REST and MCP endpoints, as a user's tools would.
// The daemon must be started with `--transcript-root <scratch>` for the session's messages.
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync, existsSync, rmSync } from "node:fs";
import { join } from "node:path";
import { freePort, launchBrowser, mcpCall, repoDir, rest, startDaemon, tempDir } from "./harness.mjs";

const python = join(repoDir, ".venv", "bin", "python");

export async function must(res, what) {
  const r = await res;
  if (r.status >= 300) throw new Error(`${what}: HTTP ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}

function gitRepo(dir) {
  const git = (...args) => execFileSync("git", args, { cwd: dir, stdio: "ignore" });
  git("init", "-q", "-b", "main");
  git("-c", "user.email=demo@example.com", "-c", "user.name=Demo", "commit", "-q", "--allow-empty", "-m", "start");
}

export async function seed(base, scratch) {
  const repo = join(scratch, "shop");
  mkdirSync(repo);
  gitRepo(repo);
  const project = await mcpCall(base, "register_project", { path: repo, name: "shop" });

  const post = (title, extra = {}) =>
    must(rest(base, "POST", "/api/tasks", { title, project_id: project.id, ...extra }), `create ${title}`);
  const checkout = await post("Checkout flow rewrite", { priority: 0, description: "Split payment from cart" });
  await must(
    rest(base, "POST", `/api/tasks/${checkout.id}/expand`, {
      subtasks: [{ title: "Extract payment service" }, { title: "Cart totals in cents" }, { title: "Retry failed charges" }],
    }),
    "expand",
  );
  const search = await post("Search results pagination", { priority: 1 });
  await must(rest(base, "PATCH", `/api/tasks/${search.id}`, { status: "in_progress" }), "update");
  const flaky = await post("Fix flaky login test", { priority: 1 });
  await must(rest(base, "PATCH", `/api/tasks/${flaky.id}`, { status: "blocked" }), "block");
  const docs = await post("Document the release process", { priority: 3 });
  await must(rest(base, "POST", `/api/tasks/${docs.id}/close`, { reason: "written" }), "close");
  for (const title of ["Dark mode for settings", "Upgrade image pipeline", "Rate-limit the public API"]) {
    await post(title, { priority: 2 });
  }

  const wt = await mcpCall(base, "create_worktree", { branch: "feature/search-pages", project_id: project.id, task_id: search.id });
  await mcpCall(base, "claim_worktree", { worktree_id: wt.id, owner: "agent-7" });
  await mcpCall(base, "create_worktree", { branch: "fix/login-test", project_id: project.id, task_id: flaky.id });

  const fixture = join(repoDir, "tests", "fixtures", "downstream_mcp.py");
  if (existsSync(fixture)) {
    await must(rest(base, "POST", "/api/mcp-servers", { name: "toolbox", command: python, args: [fixture] }), "add server");
    for (let i = 0; i < 40; i++) {
      const r = await rest(base, "GET", "/api/mcp-servers/toolbox");
      if (r.body?.state === "connected") break;
      await new Promise((res) => setTimeout(res, 250));
    }
    for (let i = 0; i < 5; i++) {
      await rest(base, "POST", "/api/mcp-servers/toolbox/call", { tool_name: "add", arguments: { a: i, b: 1 } });
    }
  }

  const transcript = join(scratch, "session.jsonl");
  const sessionId = "5f1c2a9e-demo-4c1b-9f0e-2b7d3c4e5a6b";
  const lines = [
    { type: "user", message: { role: "user", content: "Add pagination to the search results page" } },
    {
      type: "assistant",
      message: {
        role: "assistant",
        content: [
          { type: "text", text: "I'll look at the search controller first." },
          { type: "tool_use", id: "tu1", name: "Read", input: { file_path: "src/search/controller.ts" } },
        ],
      },
    },
    { type: "user", message: { role: "user", content: [{ type: "tool_result", tool_use_id: "tu1", content: "export function search(q) {...}" }] } },
    { type: "assistant", message: { role: "assistant", content: [{ type: "text", text: "The controller returns every hit at once; I'll add a **cursor**." }] } },
    {
      type: "assistant",
      message: { role: "assistant", content: [{ type: "tool_use", id: "tu2", name: "Bash", input: { command: "npm test -- search" } }] },
    },
    {
      type: "user",
      message: {
        role: "user",
        content: [{ type: "tool_result", tool_use_id: "tu2", is_error: true, content: "1 failing: search returns a next cursor" }],
      },
    },
  ];
  writeFileSync(transcript, lines.map((l, i) => JSON.stringify({ ...l, uuid: `u${i}`, timestamp: new Date().toISOString() })).join("\n") + "\n");
  const hook = (payload) =>
    rest(base, "POST", "/api/hooks/claude", { session_id: sessionId, transcript_path: transcript, cwd: repo, ...payload });
  await hook({ hook_event_name: "SessionStart", source: "startup" });
  await hook({ hook_event_name: "UserPromptSubmit", prompt: "Add pagination to the search results page" });
  await hook({ hook_event_name: "PreToolUse", tool_name: "Read", tool_input: { file_path: "src/search/controller.ts" } });
  await hook({ hook_event_name: "PostToolUse", tool_name: "Read", tool_input: {}, tool_response: {} });

  const agent = (prompt, script) =>
    rest(base, "POST", "/api/agents", { prompt, project_id: project.id, command: ["sh", "-c", script] });
  await agent("Write the release checklist", "echo done");
  await agent("Migrate the orders table", "echo 'migration 0042 failed: column exists' >&2; exit 3");
  await agent("Implement search pagination", "sleep 120");
  return { sessionId, project, tasks: { checkout, search, flaky, docs } };
}

// One suite's daemon filled with demo data and a browser page on it; `close()` ends all of it
// (also when the set-up itself fails half-way).
export async function openDemo(prefix) {
  const scratch = tempDir(prefix);
  const opened = { scratch, pageErrors: [] };
  opened.close = async () => {
    await opened.browser?.close();
    await opened.daemon?.stop();
    rmSync(scratch, { recursive: true, force: true });
  };
  try {
    opened.daemon = await startDaemon({
      port: await freePort(),
      dataDir: join(scratch, "data"),
      extraArgs: ["--transcript-root", scratch],
    });
    opened.demo = await seed(opened.daemon.base, scratch);
    opened.browser = await launchBrowser();
    opened.page = await opened.browser.context.newPage();
    opened.page.on("pageerror", (err) => opened.pageErrors.push(err.message));
    return opened;
  } catch (err) {
    await opened.close();
    throw err;
  }
}
