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

test("a filtered subtask shows under its parent, which is marked as context", () => {
  const parent = task();
  const child = task({ parent_id: parent.id, status: "blocked" });
  const sibling = task({ parent_id: parent.id, status: "open" });
  const rows = visibleRows([parent, child, sibling], new Set(), { status: "blocked", text: "" }, "priority");
  expect(rows.map((r) => r.task.id)).toEqual([parent.id, child.id]);
  expect(rows[0]).toMatchObject({ context: true, depth: 0 });
  expect(rows[1]).toMatchObject({ depth: 1 });
  expect(rows[1]!.context).toBeUndefined();
});

test("a match deep in the tree keeps its whole parent path, even under collapsed parents", () => {
  const root = task({ title: "root" });
  const mid = task({ parent_id: root.id, title: "mid" });
  const leaf = task({ parent_id: mid.id, title: "needle" });
  const rows = visibleRows([root, mid, leaf], new Set(), { status: "all", text: "needle" }, "priority");
  expect(rows.map((r) => [r.task.title, r.depth, r.context ?? false])).toEqual([
    ["root", 0, true],
    ["mid", 1, true],
    ["needle", 2, false],
  ]);
});

test("a parent that matches itself is not context", () => {
  const parent = task({ status: "blocked" });
  const child = task({ parent_id: parent.id, status: "blocked" });
  const rows = visibleRows([parent, child], new Set(), { status: "blocked", text: "" }, "priority");
  expect(rows.map((r) => r.context ?? false)).toEqual([false, false]);
});

test("priority and label filters, and the search matches labels", () => {
  const a = task({ priority: 0, labels: ["UI"] });
  const b = task({ priority: 0, labels: ["server"] });
  const c = task({ priority: 3, labels: ["ui"] });
  const ids = (f: Parameters<typeof visibleRows>[2]) => visibleRows([a, b, c], new Set(), f, "oldest").map((r) => r.task.id);
  expect(ids({ status: "all", text: "", priority: 0 })).toEqual([a.id, b.id]);
  expect(ids({ status: "all", text: "", label: "ui" })).toEqual([a.id, c.id]);
  expect(ids({ status: "all", text: "serv" })).toEqual([b.id]);
});

test("the sort modes order as named", () => {
  const x = task({ title: "beta", created_at: "2026-01-01T00:00:01Z", updated_at: "2026-01-03T00:00:00Z" });
  const y = task({ title: "Alpha", created_at: "2026-01-01T00:00:02Z", updated_at: "2026-01-02T00:00:00Z" });
  const z = task({ title: "gamma 10", created_at: "2026-01-01T00:00:03Z", updated_at: "2026-01-04T00:00:00Z" });
  const order = (sort: Parameters<typeof visibleRows>[3]) => visibleRows([x, y, z], new Set(), all, sort).map((r) => r.task.title);
  expect(order("newest")).toEqual(["gamma 10", "Alpha", "beta"]);
  expect(order("oldest")).toEqual(["beta", "Alpha", "gamma 10"]);
  expect(order("updated")).toEqual(["gamma 10", "beta", "Alpha"]);
  expect(order("title")).toEqual(["Alpha", "beta", "gamma 10"]);
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
