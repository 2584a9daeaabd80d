import { act, screen, waitFor, within } from "@testing-library/react";
import { toast } from "sonner";
import { createTestEnv, serveFetch, type TestEnv } from "../lib/testing";
import { agentRun, loop } from "../lib/testingLoops";
import { renderAppAt } from "./testApp";

let env: TestEnv;

beforeEach(() => {
  window.localStorage.clear();
  env = serveFetch(createTestEnv());
  env.api.addProject("prj_a");
});

afterEach(() => {
  toast.dismiss();
});

const row = (id: string) =>
  screen.queryAllByTestId("agent-row").find((el) => el.dataset.agentId === id) as HTMLElement | undefined;

describe("a loop's runs in the Agents view", () => {
  test("are named by loop and iteration, linked to the loop, and a failed iteration is not a success", async () => {
    env.api.loops.loops.set("aut_12345678", loop("aut_12345678"));
    env.api.loops.runs.set("agt_plain", agentRun("agt_plain", { prompt: "Tidy the README", status: "completed", exit_code: 0 }));
    renderAppAt(env, "/agents");
    await waitFor(() => expect(row("agt_plain")).toBeDefined());

    act(() => void env.api.loops.begin(env.daemon, "aut_12345678", "tsk_1"));
    const id = "agt_aut_12345678_1";
    await waitFor(() => expect(row(id)).toBeDefined());
    const label = within(row(id) as HTMLElement).getByTestId("loop-run-label");
    expect(label).toHaveTextContent("loop aut_1234, iteration 1");
    expect(label).toHaveAttribute("href", "/loops/aut_12345678");
    expect(row(id)).not.toHaveTextContent("You are working on task");

    act(() => void env.api.loops.finish(env.daemon, "aut_12345678", "failed", { detail: `agent ${id} made no commits` }));
    await waitFor(() => expect(within(row(id) as HTMLElement).getByText("iteration failed")).toBeInTheDocument());
    expect(row(id)).toHaveTextContent("made no commits");
    // A run of its own keeps its prompt and its status.
    expect(row("agt_plain")).toHaveTextContent("Tidy the README");
    expect(within(row("agt_plain") as HTMLElement).getByText("completed")).toBeInTheDocument();
  });
});
