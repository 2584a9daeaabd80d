import { act, fireEvent, screen, waitFor, within } from "@testing-library/react";
import { toast } from "sonner";
import { createTestEnv, serveFetch, type TestEnv } from "../lib/testing";
import { loop } from "../lib/testingLoops";
import { renderAppAt } from "./testApp";

let env: TestEnv;

beforeEach(() => {
  window.localStorage.clear();
  env = serveFetch(createTestEnv());
  env.api.addProject("prj_a", { name: "alpha" });
  env.api.addTask("tsk_1", { title: "Add the retry button", project_id: "prj_a" });
  env.api.addTask("tsk_2", { title: "Explain the cache", project_id: "prj_a" });
});

afterEach(() => {
  toast.dismiss();
});

const entries = () => screen.queryAllByTestId("loop-iteration");
const entry = (n: number) => entries().find((el) => el.dataset.iteration === String(n)) as HTMLElement | undefined;

describe("a loop's page", () => {
  test("draws the iterations live: task, run, commits, and why one failed", async () => {
    env.api.loops.loops.set("aut_1", loop("aut_1"));
    renderAppAt(env, "/loops/aut_1");
    expect(await screen.findByText("No iteration yet; they appear here live.")).toBeInTheDocument();

    act(() => void env.api.loops.begin(env.daemon, "aut_1", "tsk_1"));
    await waitFor(() => expect(entry(1)).toHaveAttribute("data-outcome", "running"));
    await waitFor(() => expect(within(entry(1) as HTMLElement).getByRole("link", { name: "Add the retry button" })).toHaveAttribute("href", "/tasks/tsk_1"));
    expect(within(entry(1) as HTMLElement).getByRole("link", { name: "agt_aut_1_1" })).toHaveAttribute("href", "/agents/agt_aut_1_1");

    act(() => {
      env.api.loops.finish(env.daemon, "aut_1", "succeeded", {
        commits: [{ sha: "3f2a9c1d5e7b8a0c4d6e2f1a9b8c7d6e5f4a3b2c", subject: "Add the retry button" }],
      });
    });
    await waitFor(() => expect(entry(1)).toHaveAttribute("data-outcome", "succeeded"));
    expect(entry(1)).toHaveTextContent("Commits (merged):");
    expect(entry(1)).toHaveTextContent("3f2a9c1 Add the retry button");

    act(() => void env.api.loops.begin(env.daemon, "aut_1", "tsk_2"));
    act(() => void env.api.loops.finish(env.daemon, "aut_1", "failed", { detail: "agent agt_aut_1_2 made no commits (nothing to merge)" }));
    await waitFor(() => expect(entry(2)).toHaveAttribute("data-outcome", "failed"));
    expect(within(entry(2) as HTMLElement).getByTestId("iteration-failure")).toHaveTextContent("made no commits");
    expect(entry(2)).toHaveTextContent("No commits.");
    expect(entries().map((e) => e.dataset.iteration)).toEqual(["1", "2"]);
    expect(screen.getByTestId("loop-summary")).toHaveTextContent("Failures 1 / 3");

    act(() => void env.api.loops.stop(env.daemon, "aut_1", "no_ready_tasks"));
    await waitFor(() => expect(screen.getByTestId("stop-reason")).toHaveTextContent("stopped: no ready tasks"));
    expect(screen.queryByRole("button", { name: "Stop loop" })).toBeNull();
  });

  test("an unknown loop says so instead of loading forever", async () => {
    renderAppAt(env, "/loops/aut_nope");
    expect(await screen.findByText(/no autonomous loop 'aut_nope'/)).toBeInTheDocument();
  });
});

describe("stopping a loop", () => {
  test("asks first; confirmed, it shows stopping at once and then stopped", async () => {
    env.api.loops.loops.set("aut_1", loop("aut_1", { current_task_id: "tsk_1", iteration: 1 }));
    renderAppAt(env, "/loops/aut_1");
    fireEvent.click(await screen.findByRole("button", { name: "Stop loop" }));
    const dialog = screen.getByRole("alertdialog");
    expect(dialog).toHaveTextContent("Its running agent (on task tsk_1) is cancelled");
    expect(env.api.calls.some((c) => c.path === "/api/autonomous/aut_1/stop")).toBe(false);
    env.api.hold = true;
    fireEvent.click(within(dialog).getByRole("button", { name: "Stop loop" }));
    await waitFor(() => expect(screen.getByTestId("loop-summary")).toHaveTextContent("stopping"));
    act(() => env.api.release());
    await waitFor(() => expect(screen.getByTestId("stop-reason")).toHaveTextContent("stop requested"));
  });

  test("cancelling the question sends nothing", async () => {
    env.api.loops.loops.set("aut_1", loop("aut_1"));
    renderAppAt(env, "/loops");
    fireEvent.click(await screen.findByRole("button", { name: "Stop loop aut_1" }));
    fireEvent.click(within(screen.getByRole("alertdialog")).getByRole("button", { name: "Cancel" }));
    expect(screen.queryByRole("alertdialog")).toBeNull();
    expect(env.api.calls.some((c) => c.path.endsWith("/stop"))).toBe(false);
  });

  test("a refused stop puts the status back and says why", async () => {
    env.api.loops.loops.set("aut_1", loop("aut_1"));
    env.api.failNext.set("POST /api/autonomous/aut_1/stop", { status: 409, code: "conflict", message: "autonomous loop aut_1 is stopped" });
    renderAppAt(env, "/loops");
    fireEvent.click(await screen.findByRole("button", { name: "Stop loop aut_1" }));
    fireEvent.click(within(screen.getByRole("alertdialog")).getByRole("button", { name: "Stop loop" }));
    expect(await screen.findByText(/Could not stop loop aut_1: autonomous loop aut_1 is stopped/)).toBeInTheDocument();
    await waitFor(() => expect(screen.getByTestId("loop-row")).toHaveAttribute("data-status", "running"));
  });
});
