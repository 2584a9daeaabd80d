import { act, fireEvent, screen, waitFor, within } from "@testing-library/react";
import { toast } from "sonner";
import { createTestEnv, serveFetch, type TestEnv } from "../lib/testing";
import { renderAppAt } from "./testApp";

let env: TestEnv;

beforeEach(() => {
  env = serveFetch(createTestEnv());
});

afterEach(() => {
  toast.dismiss();
});

const rows = () => screen.queryAllByTestId("project-row");
const row = (id: string) => rows().find((el) => el.dataset.projectId === id) as HTMLElement;

describe("projects view", () => {
  test("shows a skeleton until the list arrives, then one row per project", async () => {
    env.api.addProject("prj_a", { name: "alpha", path: "/src/alpha" });
    env.stopDaemon();
    renderAppAt(env, "/projects");
    expect(screen.getAllByTestId("skeleton").length).toBeGreaterThan(0);
    act(() => env.startDaemon());
    await waitFor(() => expect(row("prj_a")).toHaveTextContent("alpha"), { timeout: 10_000 });
    expect(row("prj_a")).toHaveTextContent("/src/alpha");
    expect(within(row("prj_a")).getByRole("link", { name: "Tasks of alpha" })).toHaveAttribute(
      "href",
      "/tasks?project=prj_a",
    );
  });

  test("registering shows the project at once and clears the form once the daemon has it", async () => {
    renderAppAt(env, "/projects");
    await screen.findByText(/No project yet/);
    env.api.hold = true;
    fireEvent.change(screen.getByLabelText("Repository path"), { target: { value: "/src/web" } });
    fireEvent.click(screen.getByRole("button", { name: "Register" }));
    await waitFor(() => expect(rows()).toHaveLength(1));
    expect(rows()[0]).toHaveAttribute("data-pending", "true");
    expect(rows()[0]).toHaveTextContent("web");
    expect(screen.getByLabelText("Repository path")).toHaveValue("/src/web");
    act(() => env.api.release());
    await waitFor(() => expect(rows()[0]?.dataset.projectId).toMatch(/^prj_/));
    expect(rows()).toHaveLength(1);
    await waitFor(() => expect(screen.getByLabelText("Repository path")).toHaveValue(""));
  });

  test("a refused registration takes the row back, toasts, and keeps what was typed", async () => {
    renderAppAt(env, "/projects");
    await screen.findByText(/No project yet/);
    env.api.failNext.set("POST /api/projects", {
      status: 422,
      code: "invalid_argument",
      message: "not a git repository (or not a working tree): /tmp/plain",
    });
    fireEvent.change(screen.getByLabelText("Repository path"), { target: { value: "/tmp/plain" } });
    fireEvent.change(screen.getByLabelText("Project name"), { target: { value: "Plain" } });
    fireEvent.click(screen.getByRole("button", { name: "Register" }));
    expect(await screen.findByRole("alert")).toHaveTextContent("not a git repository");
    expect(await screen.findByText(/Could not register \/tmp\/plain: not a git repository/)).toBeInTheDocument();
    expect(rows()).toHaveLength(0);
    expect(screen.getByLabelText("Repository path")).toHaveValue("/tmp/plain");
    expect(screen.getByLabelText("Project name")).toHaveValue("Plain");
  });

  test("renaming inline shows the new name at once and keeps it when the daemon agrees", async () => {
    env.api.addProject("prj_a", { name: "alpha" });
    renderAppAt(env, "/projects");
    await waitFor(() => expect(row("prj_a")).toBeInTheDocument());
    fireEvent.click(within(row("prj_a")).getByRole("button", { name: "Rename alpha" }));
    const input = within(row("prj_a")).getByLabelText("New name for alpha");
    fireEvent.change(input, { target: { value: "Alpha service" } });
    env.api.hold = true;
    fireEvent.submit(input);
    await waitFor(() => expect(within(row("prj_a")).getByTestId("project-name")).toHaveTextContent("Alpha service"));
    expect(env.api.projects.get("prj_a")?.name).toBe("alpha");
    act(() => env.api.release());
    await waitFor(() =>
      expect(env.api.calls.some((c) => c.method === "PATCH" && c.path === "/api/projects/prj_a")).toBe(true),
    );
    expect(env.api.projects.get("prj_a")?.name).toBe("Alpha service");
  });

  test("a refused rename goes back to the old name, toasts, and reopens the editor with what was typed", async () => {
    env.api.addProject("prj_a", { name: "alpha" });
    renderAppAt(env, "/projects");
    await waitFor(() => expect(row("prj_a")).toBeInTheDocument());
    env.api.failNext.set("PATCH /api/projects/prj_a", { status: 422, code: "invalid_argument", message: "name is bad" });
    fireEvent.click(within(row("prj_a")).getByRole("button", { name: "Rename alpha" }));
    const input = within(row("prj_a")).getByLabelText("New name for alpha");
    fireEvent.change(input, { target: { value: "Bad name" } });
    fireEvent.submit(input);
    expect(await screen.findByText(/Could not rename "alpha": name is bad/)).toBeInTheDocument();
    await waitFor(() => expect(within(row("prj_a")).getByLabelText("New name for alpha")).toHaveValue("Bad name"));
    expect(env.api.projects.get("prj_a")?.name).toBe("alpha");
  });

  test("removing asks first; keeping changes nothing", async () => {
    env.api.addProject("prj_a", { name: "alpha" });
    renderAppAt(env, "/projects");
    await waitFor(() => expect(row("prj_a")).toBeInTheDocument());
    fireEvent.click(within(row("prj_a")).getByRole("button", { name: "Remove alpha" }));
    const confirm = within(row("prj_a")).getByRole("group", { name: "Confirm removing alpha" });
    fireEvent.click(within(confirm).getByRole("button", { name: "Keep" }));
    expect(env.api.calls.some((c) => c.method === "DELETE")).toBe(false);
    fireEvent.click(within(row("prj_a")).getByRole("button", { name: "Remove alpha" }));
    fireEvent.click(within(row("prj_a")).getByRole("button", { name: "Yes, remove" }));
    await waitFor(() => expect(rows()).toHaveLength(0));
    expect(env.api.projects.has("prj_a")).toBe(false);
  });

  test("a project something belongs to comes back with a toast naming what", async () => {
    env.api.addProject("prj_a", { name: "alpha" });
    env.api.addProject("prj_b", { name: "beta", created_at: "2026-11-26T07:00:00Z" });
    renderAppAt(env, "/projects");
    await waitFor(() => expect(rows()).toHaveLength(2));
    env.api.hold = true;
    env.api.failNext.set("DELETE /api/projects/prj_a", {
      status: 409,
      code: "project_in_use",
      message: "project prj_a (alpha) cannot be removed: 3 tasks, 1 worktree belong to it",
    });
    fireEvent.click(within(row("prj_a")).getByRole("button", { name: "Remove alpha" }));
    fireEvent.click(within(row("prj_a")).getByRole("button", { name: "Yes, remove" }));
    await waitFor(() => expect(rows()).toHaveLength(1));
    act(() => env.api.release());
    expect(await screen.findByText(/Could not remove "alpha": .*3 tasks, 1 worktree belong to it/)).toBeInTheDocument();
    await waitFor(() => expect(rows().map((r) => r.dataset.projectId)).toEqual(["prj_a", "prj_b"]));
  });
});
