import { fireEvent, screen, waitFor } from "@testing-library/react";
import { toast } from "sonner";
import { createTestEnv, serveFetch, type TestEnv } from "../lib/testing";
import type { AgentRun } from "../lib/ws/generated";
import { renderAppAt } from "./testApp";

let env: TestEnv;

beforeEach(() => {
  env = serveFetch(createTestEnv());
  env.api.fixed.set("/api/agents", { items: [], seq: 0 });
});

afterEach(() => {
  toast.dismiss();
});

const starts = () => env.api.calls.filter((c) => c.method === "POST" && c.path === "/api/agents");

describe("the agent start form", () => {
  test("a refused start keeps the prompt and says why", async () => {
    env.api.addProject("prj_a", { name: "alpha" });
    env.api.failNext.set("POST /api/agents", { status: 404, code: "not_found", message: "no task 'tsk_nope'" });
    renderAppAt(env, "/agents");
    await waitFor(() => expect(screen.getByRole("combobox", { name: "Agent project" })).toHaveValue("prj_a"));
    fireEvent.change(screen.getByLabelText("Agent prompt"), { target: { value: "Fix the flaky test" } });
    fireEvent.change(screen.getByLabelText("Task id"), { target: { value: "tsk_nope" } });
    fireEvent.click(screen.getByRole("button", { name: "Start agent" }));
    expect(await screen.findByRole("alert")).toHaveTextContent("no task 'tsk_nope'");
    expect(screen.getByLabelText("Agent prompt")).toHaveValue("Fix the flaky test");
    expect(starts()[0]?.body).toMatchObject({ prompt: "Fix the flaky test", task_id: "tsk_nope", project_id: "prj_a" });
  });

  test("a started run clears the prompt", async () => {
    // The fake daemon does not model runs: answer the start with a fixed one.
    const run: AgentRun = {
      id: "agt_1",
      project_id: null,
      task_id: null,
      worktree_id: null,
      prompt: "Tidy",
      command: ["true"],
      cwd: "/tmp",
      status: "running",
      started_at: "2026-11-26T06:05:00Z",
    };
    const original = env.api.fetch;
    env.api.fetch = async (input, init) =>
      String(init?.method).toUpperCase() === "POST" && String(input).endsWith("/api/agents")
        ? new Response(JSON.stringify(run), { status: 201, headers: { "Content-Type": "application/json" } })
        : original(input, init);
    serveFetch(env);
    renderAppAt(env, "/agents");
    const prompt = await screen.findByLabelText("Agent prompt");
    fireEvent.change(prompt, { target: { value: "Tidy" } });
    fireEvent.click(screen.getByRole("button", { name: "Start agent" }));
    await waitFor(() => expect(prompt).toHaveValue(""));
    expect(screen.queryByRole("alert")).toBeNull();
  });
});
