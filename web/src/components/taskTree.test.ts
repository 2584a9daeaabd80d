import fc from "fast-check";
import type { Task, TaskStatus } from "../views/data";
import { countByStatus, visibleRows } from "./taskTree";

let n = 0;
function task(over: Partial<Task> = {}): Task {
  n += 1;
  return {
    id: `t${n}`,
    project_id: null,
    title: `task ${n}`,
    description: "",
    status: "open",
    priority: 2,
    labels: [],
    parent_id: null,
    created_at: `2026-01-01T00:00:${String(n % 60).padStart(2, "0")}Z`,
    updated_at: "2026-01-01T00:00:00Z",
    closed_at: null,
    closed_reason: null,
    ...over,
  };
}

const all = { status: "all", text: "" } as const;

test("subtasks appear under their parent only when it is expanded", () => {
  const parent = task({ title: "parent" });
  const a = task({ parent_id: parent.id, title: "child a" });
  const b = task({ parent_id: parent.id, title: "child b" });
  const other = task({ title: "other", priority: 4 });
  const collapsed = visibleRows([parent, a, b, other], new Set(), all, "priority");
  expect(collapsed.map((r) => r.task.id)).toEqual([parent.id, other.id]);
  expect(collapsed[0]).toMatchObject({ childCount: 2, expanded: false, depth: 0 });

  const open = visibleRows([parent, a, b, other], new Set([parent.id]), all, "priority");
  expect(open.map((r) => r.task.id)).toEqual([parent.id, expect.any(String), expect.any(String), other.id]);
  expect(open.slice(1, 3).every((r) => r.depth === 1)).toBe(true);
});

test("a filter lists matches flat, including subtasks of collapsed parents", () => {
  const parent = task();
  const child = task({ parent_id: parent.id, status: "blocked" });
  const rows = visibleRows([parent, child], new Set(), { status: "blocked", text: "" }, "priority");
  expect(rows.map((r) => r.task.id)).toEqual([child.id]);
});

test("status and priority order puts in-progress first and closed last", () => {
  const closed = task({ status: "closed", priority: 0 });
  const open = task({ status: "open", priority: 3 });
  const urgent = task({ status: "open", priority: 0 });
  const working = task({ status: "in_progress", priority: 4 });
  const rows = visibleRows([closed, open, urgent, working], new Set(), all, "priority");
  expect(rows.map((r) => r.task.id)).toEqual([working.id, urgent.id, open.id, closed.id]);
});

test("every task shows exactly once when everything is expanded, whatever the tree", () => {
  const statuses: TaskStatus[] = ["open", "in_progress", "blocked", "closed"];
  fc.assert(
    fc.property(
      fc.array(fc.record({ parent: fc.nat(), status: fc.constantFrom(...statuses), priority: fc.nat({ max: 4 }) }), {
        maxLength: 60,
      }),
      (specs) => {
        const tasks: Task[] = [];
        specs.forEach((s, i) => {
          // Parents always come earlier, so the input is a forest (the daemon's shape).
          const parent = i > 0 && s.parent % 3 !== 0 ? tasks[s.parent % i]! : null;
          tasks.push(task({ parent_id: parent?.id ?? null, status: s.status, priority: s.priority }));
        });
        const rows = visibleRows(tasks, new Set(tasks.map((t) => t.id)), all, "priority");
        expect(rows.map((r) => r.task.id).sort()).toEqual(tasks.map((t) => t.id).sort());
      },
    ),
  );
});

test("10,000 tasks all become rows", () => {
  const tasks = Array.from({ length: 10_000 }, () => task());
  const rows = visibleRows(tasks, new Set(), all, "newest");
  expect(rows).toHaveLength(10_000);
  expect(countByStatus(tasks).open).toBe(10_000);
});
