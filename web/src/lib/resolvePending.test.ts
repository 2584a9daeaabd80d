// The rows a list shows while changes are pending: every task once, with what the user did on it,
// whichever of a create's event and its reply comes first, and changes made on a placeholder
// carried over to the real row.
import { describe, expect, it } from "vitest";
import { optimisticTask, resolvePending } from "./optimistic";
import type { PendingTaskChange } from "./optimistic";
import { task } from "./ws/testkit";
import type { Task } from "./ws/generated";

const MADE = new Date("2026-11-26T06:05:00Z");
const placeholder = (id: string, title: string): Task => ({ ...optimisticTask(id, { title, project_id: "prj_1" }, MADE) });
const shown = (tasks: Task[]) => tasks.map((t) => `${t.id}:${t.status}:${t.title}`);

describe("resolvePending", () => {
  it("with nothing pending returns the fetched rows themselves", () => {
    const items = [task("a")];
    const out = resolvePending(items, []);
    expect(out.tasks).toBe(items);
    expect(out.pendingIds.size).toBe(0);
  });

  it("leaves a row that already shows its pending status as the same object", () => {
    const items = [task("a", { status: "closed" }), task("b")];
    const out = resolvePending(items, [{ id: "a", status: "closed" }]);
    expect(out.tasks[0]).toBe(items[0]);
    expect(out.tasks[1]).toBe(items[1]);
    expect([...out.pendingIds]).toEqual(["a"]);
  });

  it("overlays field edits, merged across changes, unless the row already shows them", () => {
    const items = [task("a", { title: "old", priority: 2 }), task("b", { title: "same" })];
    const pending: PendingTaskChange[] = [
      { id: "a", fields: { title: "new" } },
      { id: "a", fields: { priority: 0 } },
      { id: "b", fields: { title: "same" } },
      { id: "a", status: "blocked" },
    ];
    const out = resolvePending(items, pending);
    expect(out.tasks[0]).toMatchObject({ id: "a", title: "new", priority: 0, status: "blocked" });
    expect(out.tasks[1]).toBe(items[1]);
    expect(items[0]).toMatchObject({ title: "old", priority: 2, status: "open" });
    expect([...out.pendingIds].sort()).toEqual(["a", "b"]);
  });

  it("keeps a pending status when a later change edits only fields", () => {
    const out = resolvePending([task("a")], [
      { id: "a", status: "closed" },
      { id: "a", fields: { title: "new" } },
    ]);
    expect(shown(out.tasks)).toEqual(["a:closed:new"]);
  });

  it("applies a change made on a placeholder to its real row once the reply named it", () => {
    const items = [task("tsk_real", { title: "T" }), task("b")];
    const created = new Map([["tmp_1", "tsk_real"]]);
    const out = resolvePending(items, [{ id: "tmp_1", create: placeholder("tmp_1", "T") }, { id: "tmp_1", status: "in_progress" }], created);
    expect(shown(out.tasks)).toEqual(["tsk_real:in_progress:T", "b:open:Task b"]);
    expect([...out.pendingIds]).toEqual(["tsk_real"]);
  });

  it("shows the real row once when its event came before the reply", () => {
    const p = placeholder("tmp_1", "T");
    const items = [task("tsk_real", { title: "T" }), task("b")];
    const out = resolvePending(items, [{ id: "tmp_1", create: p }, { id: "tmp_1", status: "closed" }]);
    expect(shown(out.tasks)).toEqual(["tsk_real:closed:T", "b:open:Task b"]);
    expect([...out.pendingIds]).toEqual(["tsk_real"]);
  });

  it("matches each real row to one placeholder only", () => {
    const items = [task("tsk_real", { title: "T" })];
    const out = resolvePending(items, [
      { id: "tmp_1", create: placeholder("tmp_1", "T") },
      { id: "tmp_2", create: placeholder("tmp_2", "T") },
    ]);
    expect(shown(out.tasks)).toEqual(["tmp_2:open:T", "tsk_real:open:T"]);
  });

  it("never matches a placeholder to a row already claimed by a named reply", () => {
    const items = [task("tsk_real", { title: "T" })];
    const created = new Map([["tmp_1", "tsk_real"]]);
    const out = resolvePending(items, [
      { id: "tmp_2", create: placeholder("tmp_2", "T") },
      { id: "tmp_1", create: placeholder("tmp_1", "T") },
    ], created);
    expect(shown(out.tasks)).toEqual(["tmp_2:open:T", "tsk_real:open:T"]);
  });

  it("shows a placeholder left in a cached list once, under its real id when that row is not there", () => {
    const created = new Map([["tmp_1", "tsk_real"]]);
    const change: PendingTaskChange[] = [{ id: "tmp_1", create: placeholder("tmp_1", "T"), status: "blocked" }];
    const both = resolvePending([placeholder("tmp_1", "T"), task("tsk_real", { title: "T" })], change, created);
    expect(shown(both.tasks)).toEqual(["tsk_real:blocked:T"]);
    const alone = resolvePending([placeholder("tmp_1", "T")], change, created);
    expect(shown(alone.tasks)).toEqual(["tsk_real:blocked:T"]);
  });

  it("puts placeholders not yet in the list first, with their own pending changes", () => {
    const out = resolvePending([task("a")], [
      { id: "tmp_1", create: placeholder("tmp_1", "T") },
      { id: "tmp_1", fields: { title: "T2" } },
    ]);
    expect(shown(out.tasks)).toEqual(["tmp_1:open:T2", "a:open:Task a"]);
    expect([...out.pendingIds]).toEqual(["tmp_1"]);
  });
});
