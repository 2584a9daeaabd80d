import { fireEvent, screen, waitFor } from "@testing-library/react";
import { toast } from "sonner";
import { createTestEnv, serveFetch, type TestEnv } from "../lib/testing";
import { worktree } from "../lib/testingActions";
import { renderAppAt } from "./testApp";

let env: TestEnv;

beforeEach(() => {
  env = serveFetch(createTestEnv());
  window.localStorage.clear();
  env.api.fixed.set("/api/agents", { items: [], seq: 0 });
  env.api.addProject("prj_a", { name: "alpha" });
  env.api.addProject("prj_b", { name: "beta" });
});

afterEach(() => {
  toast.dismiss();
});

const starts = () =>
  env.api.calls.filter((c) => c.method === "POST" && c.path === "/api/agents");
const taskOptions = () =>
  [...screen.getByTestId("agent-task-options").querySelectorAll("option")].map(
    (o) => o.getAttribute("value"),
  );
const worktreeOptions = () =>
  [
    ...(
      screen.getByRole("combobox", {
        name: "Agent worktree",
      }) as HTMLSelectElement
    ).options,
  ].map((o) => o.value);

describe("the agent start form's pickers", () => {
  test("the task picker offers the chosen project's open tasks, and follows the project", async () => {
    env.api.addTask("tsk_a1", { project_id: "prj_a", title: "Alpha work" });
    env.api.addTask("tsk_a2", {
      project_id: "prj_a",
      title: "Alpha done",
      status: "closed",
    });
    env.api.addTask("tsk_b1", { project_id: "prj_b", title: "Beta work" });
    renderAppAt(env, "/agents");
    const project = await screen.findByRole("combobox", {
      name: "Agent project",
    });
    fireEvent.change(project, { target: { value: "prj_a" } });
    await waitFor(() => expect(taskOptions()).toEqual(["tsk_a1"]));
    fireEvent.change(project, { target: { value: "prj_b" } });
    await waitFor(() => expect(taskOptions()).toEqual(["tsk_b1"]));
  });

  test("by default the run gets a worktree of its own: no worktree is sent", async () => {
    env.api.actions.worktrees.set(
      "wt_a",
      worktree("wt_a", { project_id: "prj_a" }),
    );
    renderAppAt(env, "/agents");
    fireEvent.change(
      await screen.findByRole("combobox", { name: "Agent project" }),
      { target: { value: "prj_a" } },
    );
    await waitFor(() => expect(worktreeOptions()).toEqual(["", "wt_a"]));
    expect(
      screen.getByRole("combobox", { name: "Agent worktree" }),
    ).toHaveValue("");
    fireEvent.change(screen.getByLabelText("Agent prompt"), {
      target: { value: "Tidy" },
    });
    fireEvent.click(screen.getByRole("button", { name: "Start agent" }));
    await waitFor(() => expect(starts()).toHaveLength(1));
    expect(starts()[0]?.body).not.toHaveProperty("worktree_id");
  });

  test("a picked worktree is sent; only active worktrees of the project are offered", async () => {
    env.api.actions.worktrees.set(
      "wt_a",
      worktree("wt_a", { project_id: "prj_a" }),
    );
    env.api.actions.worktrees.set(
      "wt_claimed",
      worktree("wt_claimed", {
        project_id: "prj_a",
        status: "claimed",
        owner: "dana",
      }),
    );
    env.api.actions.worktrees.set(
      "wt_gone",
      worktree("wt_gone", { project_id: "prj_a", status: "deleted" }),
    );
    env.api.actions.worktrees.set(
      "wt_b",
      worktree("wt_b", { project_id: "prj_b" }),
    );
    renderAppAt(env, "/agents");
    fireEvent.change(
      await screen.findByRole("combobox", { name: "Agent project" }),
      { target: { value: "prj_a" } },
    );
    await waitFor(() => expect(worktreeOptions()).toEqual(["", "wt_a"]));
    fireEvent.change(screen.getByRole("combobox", { name: "Agent worktree" }), {
      target: { value: "wt_a" },
    });
    fireEvent.change(screen.getByLabelText("Agent prompt"), {
      target: { value: "Fix it" },
    });
    fireEvent.click(screen.getByRole("button", { name: "Start agent" }));
    await waitFor(() => expect(starts()).toHaveLength(1));
    expect(starts()[0]?.body).toMatchObject({
      prompt: "Fix it",
      project_id: "prj_a",
      worktree_id: "wt_a",
    });
  });

  test("a worktree picked for one project is not sent after the project changes", async () => {
    env.api.actions.worktrees.set(
      "wt_a",
      worktree("wt_a", { project_id: "prj_a" }),
    );
    renderAppAt(env, "/agents");
    const project = await screen.findByRole("combobox", {
      name: "Agent project",
    });
    fireEvent.change(project, { target: { value: "prj_a" } });
    await waitFor(() => expect(worktreeOptions()).toEqual(["", "wt_a"]));
    fireEvent.change(screen.getByRole("combobox", { name: "Agent worktree" }), {
      target: { value: "wt_a" },
    });
    fireEvent.change(project, { target: { value: "prj_b" } });
    await waitFor(() =>
      expect(
        screen.getByRole("combobox", { name: "Agent worktree" }),
      ).toHaveValue(""),
    );
    fireEvent.change(screen.getByLabelText("Agent prompt"), {
      target: { value: "Elsewhere" },
    });
    fireEvent.click(screen.getByRole("button", { name: "Start agent" }));
    await waitFor(() => expect(starts()).toHaveLength(1));
    expect(starts()[0]?.body).toMatchObject({ project_id: "prj_b" });
    expect(starts()[0]?.body).not.toHaveProperty("worktree_id");
  });
});
