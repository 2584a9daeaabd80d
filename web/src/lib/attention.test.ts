import {
  addDismissed,
  attentionItems,
  DISMISSED_KEY,
  failedIteration,
  newItems,
  pruneDismissed,
  readDismissed,
  titleText,
  writeDismissed,
  type AgentRun,
  type Session,
} from "./attention";

const session = (id: string, status: Session["status"], reason: string | null, at = "2026-11-26T06:05:00Z"): Session => ({
  id,
  source: "claude",
  status,
  waiting_reason: reason,
  started_at: "2026-11-26T06:00:00Z",
  updated_at: at,
  tool_count: 0,
  message_count: 0,
});

const run = (id: string, status: AgentRun["status"], ended = "2026-11-26T06:07:00Z"): AgentRun => ({
  id,
  project_id: null,
  task_id: null,
  worktree_id: null,
  prompt: "Fix the build",
  command: ["claude"],
  cwd: "/src/x",
  status,
  exit_code: status === "failed" ? 2 : null,
  started_at: "2026-11-26T06:00:00Z",
  ended_at: ended,
  stderr_tail: ["error: no such file"],
});

function memoryStorage(): Pick<Storage, "getItem" | "setItem"> & { data: Map<string, string> } {
  const data = new Map<string, string>();
  return { data, getItem: (k) => data.get(k) ?? null, setItem: (k, v) => void data.set(k, v) };
}

describe("what needs the user", () => {
  test("waiting sessions with their reason come first, then failures newest first", () => {
    const items = attentionItems(
      [session("s-active", "active", null), session("s-wait-1234567", "waiting", "Claude needs your permission to use Bash")],
      [run("r-ok", "completed"), run("r-old", "failed", "2026-11-26T06:01:00Z"), run("r-new", "failed")],
      [{ loopId: "aut_0123456789", iteration: 5, taskId: "tsk_1", detail: "made no commits", ts: "2026-11-26T06:03:00Z" }],
      new Set(),
    );
    expect(items.map((i) => i.key)).toEqual([
      "session:s-wait-1234567:Claude needs your permission to use Bash",
      "run:r-new",
      "loop:aut_0123456789:5",
      "run:r-old",
    ]);
    const [wait, failedRun, loop] = items;
    expect(wait).toMatchObject({
      kind: "session",
      title: "Session s-wait-1 is waiting",
      detail: "Claude needs your permission to use Bash",
      href: "/sessions/s-wait-1234567",
    });
    expect(failedRun).toMatchObject({
      kind: "run",
      title: "Agent run “Fix the build” failed (exit code 2)",
      detail: "error: no such file",
      href: "/agents",
    });
    expect(loop).toMatchObject({ title: "Loop aut_0123: iteration 5 failed", detail: "made no commits", href: "/loops/aut_0123456789" });
  });

  test("dismissed items are left out; a waiting session without a reason still shows", () => {
    const items = attentionItems([session("s1", "waiting", null)], [run("r1", "failed")], [], new Set(["run:r1"]));
    expect(items.map((i) => [i.key, i.detail])).toEqual([["session:s1:", null]]);
  });

  test("only failed iterations count", () => {
    const base = { loop_id: "aut_1", project_id: "p", iteration: 2, task_id: null, loop: {} };
    expect(failedIteration({ ...base, outcome: "succeeded" }, "t")).toBeNull();
    expect(failedIteration({ ...base, outcome: "failed", detail: "" }, "t")).toEqual({
      loopId: "aut_1",
      iteration: 2,
      taskId: null,
      detail: null,
      ts: "t",
    });
    expect(failedIteration(null, "t")).toBeNull();
    expect(attentionItems([], [], [failedIteration({ ...base, outcome: "failed" }, "t")!], new Set())[0]?.href).toBe("/loops/aut_1");
  });
});

describe("dismissal", () => {
  test("is remembered in storage and survives a bad stored value", () => {
    const store = memoryStorage();
    expect(readDismissed(store)).toEqual([]);
    writeDismissed(store, addDismissed([], ["run:r1", "loop:a:1"]));
    expect(readDismissed(store)).toEqual(["run:r1", "loop:a:1"]);
    store.data.set(DISMISSED_KEY, "{not json");
    expect(readDismissed(store)).toEqual([]);
    store.data.set(DISMISSED_KEY, JSON.stringify(["run:r2", 7]));
    expect(readDismissed(store)).toEqual(["run:r2"]);
    expect(readDismissed(undefined)).toEqual([]);
  });

  test("is bounded, newest kept, and adding a key again moves it to the end", () => {
    let keys: string[] = [];
    for (let i = 0; i < 600; i++) keys = addDismissed(keys, [`run:${i}`]);
    expect(keys).toHaveLength(500);
    expect(keys[0]).toBe("run:100");
    expect(addDismissed(["a", "b"], ["a"])).toEqual(["b", "a"]);
  });

  test("a dismissed wait is forgotten once it is over; failures stay dismissed", () => {
    const dismissed = ["session:s1:why", "session:s2:why", "run:r1"];
    expect(pruneDismissed(dismissed, new Set(["session:s2:why"]))).toEqual(["session:s2:why", "run:r1"]);
  });
});

describe("tab title and notifications", () => {
  test("the count leads the title, and goes away at zero", () => {
    expect(titleText(2, "Tasks")).toBe("(2) Tidewire — Tasks");
    expect(titleText(0, "Tasks")).toBe("Tidewire — Tasks");
    expect(titleText(1, null)).toBe("(1) Tidewire");
    expect(titleText(0, null)).toBe("Tidewire");
  });

  test("new items are those not seen yet", () => {
    const items = attentionItems([session("s1", "waiting", "x")], [run("r1", "failed")], [], new Set());
    expect(newItems(items, new Set(["run:r1"])).map((i) => i.key)).toEqual(["session:s1:x"]);
  });
});
