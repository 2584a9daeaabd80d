import { act, fireEvent, screen, waitFor, within } from "@testing-library/react";
import { toast } from "sonner";
import { LAST_PROJECT_KEY } from "../lib/lastProject";
import { createTestEnv, serveFetch, type TestEnv } from "../lib/testing";
import { loop } from "../lib/testingLoops";
import { renderAppAt } from "./testApp";

let env: TestEnv;

beforeEach(() => {
  window.localStorage.clear();
  env = serveFetch(createTestEnv());
});

afterEach(() => {
  toast.dismiss();
});

const starts = () => env.api.calls.filter((c) => c.method === "POST" && c.path === "/api/autonomous");
const rows = () => screen.queryAllByTestId("loop-row");

describe("starting a loop", () => {
  test("starts in the last-used project with the limits typed, the new loop listed and linked", async () => {
    env.api.addProject("prj_a", { name: "alpha" });
    env.api.addProject("prj_b", { name: "beta" });
    window.localStorage.setItem(LAST_PROJECT_KEY, "prj_b");
    renderAppAt(env, "/loops");
    await waitFor(() => expect(screen.getByRole("combobox", { name: "Loop project" })).toHaveValue("prj_b"));
    fireEvent.change(screen.getByLabelText("Max iterations"), { target: { value: "5" } });
    fireEvent.change(screen.getByLabelText("Max failures"), { target: { value: "2" } });
    env.api.hold = true;
    fireEvent.click(screen.getByRole("button", { name: "Start loop" }));
    // Shown at once, before the daemon answers.
    await waitFor(() => expect(rows()).toHaveLength(1));
    expect(rows()[0]).toHaveTextContent("starting…");
    act(() => env.api.release());
    expect(await screen.findByTestId("loop-started")).toHaveTextContent("Started loop aut_1");
    expect(starts()[0]?.body).toEqual({ project_id: "prj_b", max_iterations: 5, max_failures: 2 });
    await waitFor(() => expect(rows().map((r) => r.dataset.loopId)).toEqual(["aut_1"]));
    expect(within(rows()[0] as HTMLElement).getByRole("link", { name: "aut_1" })).toHaveAttribute("href", "/loops/aut_1");
    expect(rows()[0]).toHaveTextContent("0 / 5");
    expect(rows()[0]).toHaveTextContent("0 / 2");
    expect(window.localStorage.getItem(LAST_PROJECT_KEY)).toBe("prj_b");
  });

  test("a refused start keeps what was typed, says why, and takes its placeholder back", async () => {
    env.api.addProject("prj_a", { name: "alpha" });
    env.api.loops.loops.set("aut_old", loop("aut_old", { project_id: "prj_a" }));
    renderAppAt(env, "/loops");
    await waitFor(() => expect(rows()).toHaveLength(1));
    fireEvent.change(screen.getByLabelText("Max iterations"), { target: { value: "7" } });
    fireEvent.change(screen.getByLabelText("Max failures"), { target: { value: "4" } });
    fireEvent.click(screen.getByRole("button", { name: "Start loop" }));
    expect(await screen.findByRole("alert")).toHaveTextContent("already has a running loop (aut_old)");
    expect(screen.getByLabelText("Max iterations")).toHaveValue("7");
    expect(screen.getByLabelText("Max failures")).toHaveValue("4");
    expect(screen.getByRole("combobox", { name: "Loop project" })).toHaveValue("prj_a");
    await waitFor(() => expect(rows().map((r) => r.dataset.loopId)).toEqual(["aut_old"]));
  });

  test("a limit that is not a whole number is refused in the form, nothing sent", async () => {
    env.api.addProject("prj_a");
    renderAppAt(env, "/loops");
    await screen.findByRole("combobox", { name: "Loop project" });
    fireEvent.change(screen.getByLabelText("Max iterations"), { target: { value: "0" } });
    fireEvent.click(screen.getByRole("button", { name: "Start loop" }));
    expect(await screen.findByRole("alert")).toHaveTextContent("Max iterations must be a whole number of at least 1");
    expect(screen.getByLabelText("Max iterations")).toHaveValue("0");
    expect(starts()).toHaveLength(0);
  });

  test("with no project registered the form points to the Projects page", async () => {
    renderAppAt(env, "/loops");
    expect(await screen.findByRole("link", { name: "register a project" })).toHaveAttribute("href", "/projects");
    expect(screen.queryByRole("button", { name: "Start loop" })).toBeNull();
  });
});
