import { loopIdsOf, loopRunInfo, loopTimeline, ofLimit, parseLimit } from "./loopTimeline";
import { agentRun, loop } from "./testingLoops";
import type { LoopIteration } from "./ws/generated";

const it1: LoopIteration = {
  loop_id: "aut_1",
  iteration: 1,
  task_id: "tsk_1",
  agent_id: "agt_1",
  outcome: "failed",
  detail: "agent agt_1 made no commits",
  commits: [],
  ended_at: "2026-11-26T06:05:00Z",
};

describe("loopTimeline", () => {
  test("finished iterations first to last, then the one still going with its run", () => {
    const l = loop("aut_1", { iteration: 2, current_task_id: "tsk_2" });
    const runs = [
      agentRun("agt_2", { loop_id: "aut_1", loop_iteration: 2, task_id: "tsk_2" }),
      agentRun("agt_1", { loop_id: "aut_1", loop_iteration: 1, status: "completed" }),
      agentRun("agt_x", { loop_id: "aut_other", loop_iteration: 2 }),
    ];
    const t = loopTimeline(l, [it1], runs);
    expect(t.map((e) => [e.iteration, e.outcome, e.agentId, e.taskId])).toEqual([
      [1, "failed", "agt_1", "tsk_1"],
      [2, "running", "agt_2", "tsk_2"],
    ]);
    expect(t[0]?.run?.id).toBe("agt_1");
  });

  test("the current task shows before its run has started; a stopped loop has nothing going", () => {
    expect(loopTimeline(loop("aut_1", { iteration: 1, current_task_id: "tsk_1" }), [], []).map((e) => e.outcome)).toEqual(["running"]);
    expect(loopTimeline(loop("aut_1", { iteration: 1, status: "stopped" }), [], [])).toEqual([]);
  });
});

describe("loopRunInfo", () => {
  test("a run a loop started is named by it; completed but failed iteration reads as failed", () => {
    const run = agentRun("agt_1", { loop_id: "aut_12345678", loop_iteration: 1, status: "completed" });
    const map = new Map([["aut_12345678", [{ ...it1, loop_id: "aut_12345678" }]]]);
    expect(loopRunInfo(run, map)).toEqual({
      label: "loop aut_1234, iteration 1",
      href: "/loops/aut_12345678",
      outcome: "failed",
      detail: "agent agt_1 made no commits",
      status: "iteration_failed",
    });
    expect(loopRunInfo(run, new Map())?.status).toBe("completed");
    expect(loopRunInfo(agentRun("agt_9"), map)).toBeNull();
    expect(loopIdsOf([run, run, agentRun("agt_9")])).toEqual(["aut_12345678"]);
  });
});

describe("limits", () => {
  test("shown against their limit; typed ones parsed or refused", () => {
    expect(ofLimit(2, 5)).toBe("2 / 5");
    expect(ofLimit(2, null)).toBe("2");
    expect(parseLimit(" ", "Max")).toEqual({ value: null, error: null });
    expect(parseLimit("12", "Max")).toEqual({ value: 12, error: null });
    for (const bad of ["0", "-1", "1.5", "x", "99999999999999999999"]) expect(parseLimit(bad, "Max").error).toMatch(/Max must be/);
  });
});
