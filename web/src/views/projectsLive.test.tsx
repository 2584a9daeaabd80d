import { act, screen, waitFor, within } from "@testing-library/react";
import { createTestEnv, serveFetch, type TestEnv } from "../lib/testing";
import { renderAppAt } from "./testApp";

let env: TestEnv;

beforeEach(() => {
  env = serveFetch(createTestEnv());
});

const projectGets = () => env.api.calls.filter((c) => c.method === "GET" && c.path === "/api/projects").length;

describe("the project list follows project events", () => {
  test("an open Tasks page gets a project registered elsewhere, renamed and removed, without refetching", async () => {
    const alpha = env.api.addProject("prj_a", { name: "alpha" });
    renderAppAt(env, "/tasks");
    const picker = await screen.findByRole("combobox", { name: "Project" });
    await waitFor(() => expect(env.socket.activeSubscriptions).toContain("project.*"));
    const fetched = projectGets();

    act(() => {
      const beta = env.api.addProject("prj_b", { name: "beta", created_at: "2026-11-26T07:00:00Z" });
      env.daemon.emitData("project.created", { project_id: beta.id, project: beta });
    });
    await waitFor(() => expect(within(picker).getByRole("option", { name: "beta" })).toBeInTheDocument());

    act(() => {
      env.daemon.emitData("project.updated", { project_id: alpha.id, project: { ...alpha, name: "alpha two" } });
    });
    await waitFor(() => expect(within(picker).getByRole("option", { name: "alpha two" })).toBeInTheDocument());

    act(() => {
      env.daemon.emitData("project.removed", { project_id: alpha.id, project: alpha });
    });
    await waitFor(() => expect(within(picker).queryByRole("option", { name: "alpha two" })).toBeNull());
    expect(within(picker).getAllByRole("option").map((o) => o.textContent)).toEqual(["beta"]);
    expect(projectGets()).toBe(fetched);
  });
});
