import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import { toast } from "sonner";
import { rememberProject } from "../lib/lastProject";
import { createTestEnv, serveFetch, type TestEnv } from "../lib/testing";
import { renderAppAt } from "./testApp";

let env: TestEnv;

beforeEach(() => {
  env = serveFetch(createTestEnv());
  env.api.addProject("prj_a", { name: "alpha" });
  env.api.addProject("prj_b", { name: "beta", created_at: "2026-11-26T07:00:00Z" });
});

afterEach(() => {
  toast.dismiss();
});

const created = () => env.api.calls.filter((c) => c.method === "POST" && c.path === "/api/tasks");

describe("creating a task with several projects", () => {
  test("the form starts on the last-used project and offers no 'No project' that would be refused", async () => {
    rememberProject("prj_b");
    renderAppAt(env, "/tasks");
    const picker = await screen.findByRole("combobox", { name: "Project" });
    await waitFor(() => expect(picker).toHaveValue("prj_b"));
    expect(within(picker).queryByRole("option", { name: "No project" })).toBeNull();
    fireEvent.change(screen.getByLabelText("Task title"), { target: { value: "Ship it" } });
    fireEvent.click(screen.getByRole("button", { name: "Create" }));
    await waitFor(() => expect(created()).toHaveLength(1));
    expect(created()[0]?.body).toMatchObject({ title: "Ship it", project_id: "prj_b" });
  });

  test("the project picked is remembered for the next form", async () => {
    renderAppAt(env, "/tasks");
    const picker = await screen.findByRole("combobox", { name: "Project" });
    await waitFor(() => expect(picker).toHaveValue("prj_a"));
    fireEvent.change(picker, { target: { value: "prj_b" } });
    fireEvent.change(screen.getByLabelText("Task title"), { target: { value: "One" } });
    fireEvent.click(screen.getByRole("button", { name: "Create" }));
    await waitFor(() => expect(created()).toHaveLength(1));
    expect(window.localStorage.getItem("tidewire.lastProject")).toBe("prj_b");
  });

  test("a refused create gives the title back to the form", async () => {
    renderAppAt(env, "/tasks");
    await screen.findByRole("combobox", { name: "Project" });
    env.api.failNext.set("POST /api/tasks", { status: 422, code: "invalid_argument", message: "title is too odd" });
    const title = screen.getByLabelText("Task title");
    fireEvent.change(title, { target: { value: "Keep my words" } });
    fireEvent.click(screen.getByRole("button", { name: "Create" }));
    expect(await screen.findByText(/Could not create task "Keep my words": title is too odd/)).toBeInTheDocument();
    await waitFor(() => expect(title).toHaveValue("Keep my words"));
    expect(screen.queryAllByTestId("task-row")).toHaveLength(0);
  });
});
