import { screen, waitFor } from "@testing-library/react";
import { createTestEnv, serveFetch } from "../lib/testing";
import type { AgentRun, Session } from "../lib/ws/generated";
import { renderAppAt } from "./testApp";

const TS = "2026-11-26T06:05:00Z";
const session = (id: string, status: Session["status"]): Session => ({
  id,
  source: "claude",
  status,
  started_at: TS,
  updated_at: TS,
  tool_count: 0,
  message_count: 0,
});
const running: AgentRun = {
  id: "ag1",
  project_id: null,
  task_id: null,
  worktree_id: null,
  prompt: "Refactor the parser",
  command: ["sh"],
  cwd: "/tmp",
  status: "running",
  started_at: TS,
};

test("agents active counts live agent CLI sessions as well as running runs", async () => {
  const env = serveFetch(createTestEnv());
  env.api.fixed.set("/api/agents", { items: [running], seq: 0 });
  env.api.fixed.set("/api/sessions", {
    items: [session("s1", "active"), session("s2", "waiting"), session("s3", "idle"), session("s4", "ended")],
    seq: 0,
  });
  renderAppAt(env, "/");
  await waitFor(() => expect(screen.getByTestId("activity-pulse")).toHaveTextContent("4 agents active"));
});
