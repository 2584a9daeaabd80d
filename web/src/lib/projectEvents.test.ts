import { applyProjectEvent } from "./projectEvents";
import type { LiveList } from "./liveData";
import type { Project } from "./ws/generated";

const KEY = ["projects", "list"] as const;
const project = (id: string, createdAt: string, name = id): Project => ({
  id,
  name,
  path: `/src/${id}`,
  created_at: createdAt,
});
const list = (...items: Project[]): LiveList<Project> => ({ items, seq: 1, epoch: "e" });
const event = (type: string, p: Project, seq = 2) => ({ type, seq, data: { project_id: p.id, project: p } });

describe("project events on the cached project list", () => {
  const a = project("prj_a", "2026-11-26T06:00:00Z");
  const c = project("prj_c", "2026-11-26T08:00:00Z");

  test("project.created inserts the project in the daemon's order (creation time)", () => {
    const b = project("prj_b", "2026-11-26T07:00:00Z");
    const next = applyProjectEvent(KEY, list(a, c), event("project.created", b)) as LiveList<Project>;
    expect(next.items.map((p) => p.id)).toEqual(["prj_a", "prj_b", "prj_c"]);
  });

  test("project.created for a project already listed replaces it instead of adding a second row", () => {
    const next = applyProjectEvent(KEY, list(a), event("project.created", { ...a, name: "fresh" })) as LiveList<Project>;
    expect(next.items).toEqual([{ ...a, name: "fresh" }]);
  });

  test("project.updated replaces the row where it is", () => {
    const renamed = { ...a, name: "renamed" };
    const next = applyProjectEvent(KEY, list(a, c), event("project.updated", renamed)) as LiveList<Project>;
    expect(next.items).toEqual([renamed, c]);
  });

  test("project.removed drops the row, and leaves a list without it as it is", () => {
    const next = applyProjectEvent(KEY, list(a, c), event("project.removed", a)) as LiveList<Project>;
    expect(next.items).toEqual([c]);
    const same = list(c);
    expect(applyProjectEvent(KEY, same, event("project.removed", a))).toBe(same);
  });

  test("a payload without a record, or another key, is left to a refetch", () => {
    expect(applyProjectEvent(KEY, list(a), { type: "project.created", seq: 2, data: { project_id: "x" } })).toBeUndefined();
    expect(applyProjectEvent(["tasks", "list"], list(a), event("project.created", c))).toBeUndefined();
  });

  test("the cached list is not modified in place", () => {
    const before = list(a);
    applyProjectEvent(KEY, before, event("project.created", c));
    expect(before.items).toEqual([a]);
  });
});
