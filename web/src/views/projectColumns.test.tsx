import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import { createTestEnv, serveFetch, type TestEnv } from "../lib/testing";
import type { AgentRun, Session, Worktree } from "../lib/ws/generated";
import { renderAppAt } from "./testApp";

let env: TestEnv;
const TS = "2026-11-26T06:05:00Z";

beforeEach(() => {
  env = serveFetch(createTestEnv());
  env.api.addProject("prj_a", { name: "alpha" });
  env.api.addProject("prj_b", { name: "beta" });
});

const worktree = (id: string, projectId: string): Worktree => ({
  id,
  project_id: projectId,
  task_id: null,
  branch: `tw/${id}`,
  base_branch: "main",
  path: `/tmp/${id}`,
  status: "active",
  owner: null,
  created_at: TS,
  updated_at: TS,
});
const session = (id: string, projectId: string | null): Session => ({
  id,
  source: "claude",
  status: "active",
  project_id: projectId,
  started_at: TS,
  updated_at: TS,
  tool_count: 0,
  message_count: 0,
});
const run = (id: string, projectId: string | null): AgentRun => ({
  id,
  project_id: projectId,
  task_id: null,
  worktree_id: null,
  prompt: `prompt ${id}`,
  command: ["true"],
  cwd: "/tmp",
  status: "completed",
  started_at: TS,
});

/** The rows' test ids and what their Project column says. */
async function projectColumn(testId: string, idAttr: string): Promise<[string, string][]> {
  const table = await screen.findByRole("table");
  const header = within(table).getAllByRole("columnheader").map((h) => h.textContent);
  const col = header.indexOf("Project");
  expect(col).toBeGreaterThanOrEqual(0);
  return screen
    .getAllByTestId(testId)
    .map((r) => [r.getAttribute(idAttr) ?? "", r.querySelectorAll("td")[col]?.textContent ?? ""]);
}

describe("a project column and filter in every list", () => {
  test("worktrees", async () => {
    env.api.fixed.set("/api/worktrees", { items: [worktree("w1", "prj_a"), worktree("w2", "prj_b")], seq: 0 });
    renderAppAt(env, "/worktrees?project=prj_b");
    await waitFor(() => expect(screen.getAllByTestId("worktree-row")).toHaveLength(1));
    expect(await projectColumn("worktree-row", "data-worktree-id")).toEqual([["w2", "beta"]]);
    fireEvent.change(screen.getByLabelText("Project filter"), { target: { value: "" } });
    await waitFor(() => expect(screen.getAllByTestId("worktree-row")).toHaveLength(2));
  });

  test("sessions, including those in no project", async () => {
    env.api.fixed.set("/api/sessions", { items: [session("s1", "prj_a"), session("s2", null)], seq: 0 });
    renderAppAt(env, "/sessions");
    await waitFor(() => expect(screen.getAllByTestId("session-row")).toHaveLength(2));
    expect(Object.fromEntries(await projectColumn("session-row", "data-session-id"))).toEqual({ s1: "alpha", s2: "–" });
    await waitFor(() => expect(screen.getByRole("option", { name: "alpha" })).toBeInTheDocument());
    fireEvent.change(screen.getByLabelText("Project filter"), { target: { value: "none" } });
    await waitFor(() => expect(screen.getAllByTestId("session-row").map((r) => r.dataset.sessionId)).toEqual(["s2"]));
  });

  test("agent runs", async () => {
    env.api.fixed.set("/api/agents", { items: [run("r1", "prj_a"), run("r2", "prj_b")], seq: 0 });
    renderAppAt(env, "/agents?project=prj_a");
    await waitFor(() => expect(screen.getAllByTestId("agent-row")).toHaveLength(1));
    expect(await projectColumn("agent-row", "data-agent-id")).toEqual([["r1", "alpha"]]);
  });

  test("tasks", async () => {
    env.api.addTask("t1", { title: "In alpha", project_id: "prj_a" });
    env.api.addTask("t2", { title: "In beta", project_id: "prj_b" });
    renderAppAt(env, "/tasks");
    await waitFor(() => expect(screen.getAllByTestId("task-row")).toHaveLength(2));
    await waitFor(() => expect(screen.getAllByTestId("task-project").map((c) => c.textContent)).toEqual(["alpha", "beta"]));
    fireEvent.change(screen.getByLabelText("Project filter"), { target: { value: "prj_b" } });
    await waitFor(() => expect(screen.getAllByTestId("task-row").map((r) => r.dataset.taskId)).toEqual(["t2"]));
  });
});
