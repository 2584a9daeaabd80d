// Optimistic rows in the cached task lists, case by case: which lists a change touches, that
// cached objects are never mutated in place (React and the persister compare by reference), and
// that a rollback puts back exactly what the change replaced, however the cache moved meanwhile.
import { QueryClient } from "@tanstack/react-query";
import { describe, expect, it } from "vitest";
import type { LiveList } from "./liveData";
import {
  TEMP_ID_PREFIX,
  insertTaskRow,
  isTempId,
  newTempId,
  optimisticTask,
  patchTaskRows,
  replaceTempRow,
  restoreTaskRows,
} from "./optimistic";
import { queryKeys } from "./queryKeys";
import type { TaskListParams } from "./api";
import { task } from "./ws/testkit";
import type { Task } from "./ws/generated";

function put(client: QueryClient, params: TaskListParams, items: Task[]): LiveList<Task> {
  const list = { items, seq: 1, epoch: "e" };
  client.setQueryData<LiveList<Task>>(queryKeys.tasks.list(params), list);
  return list;
}

const rows = (client: QueryClient, params: TaskListParams = {}) =>
  client.getQueryData<LiveList<Task>>(queryKeys.tasks.list(params))?.items.map((t) => `${t.id}:${t.status}`);

const toClosed = (t: Task): Task => ({ ...t, status: "closed" });

describe("temporary ids", () => {
  it("carry the prefix, differ by the random part, and only they count as temporary", () => {
    expect(TEMP_ID_PREFIX).toBe("tmp_");
    const a = newTempId(() => 0.1);
    const b = newTempId(() => 0.2);
    expect(a.startsWith("tmp_")).toBe(true);
    expect(a.slice(-6)).not.toBe(b.slice(-6));
    // 0.5 * 1e9 in base 36 is the random part's tail.
    expect(newTempId(() => 0.5).endsWith((5e8).toString(36))).toBe(true);
    expect(isTempId(a)).toBe(true);
    expect(isTempId("tsk_1")).toBe(false);
    expect(isTempId("")).toBe(false);
  });
});

describe("patchTaskRows", () => {
  it("changes the row in each list holding it, and only those lists, without mutating them", () => {
    const client = new QueryClient();
    const all = put(client, {}, [task("a"), task("b"), task("c")]);
    const other = put(client, { status: "blocked" }, [task("x", { status: "blocked" })]);
    const snapshot = patchTaskRows(client, "b", toClosed);
    expect(snapshot).toEqual([[queryKeys.tasks.list({}), task("b")]]);
    expect(rows(client)).toEqual(["a:open", "b:closed", "c:open"]);
    expect(all.items.map((t) => t.status)).toEqual(["open", "open", "open"]);
    expect(client.getQueryData(queryKeys.tasks.list({ status: "blocked" }))).toBe(other);
  });

  it("leaves alone other families, queries with no data yet, and task-family data that is not a list", () => {
    const client = new QueryClient();
    put(client, {}, [task("a")]);
    const projects = { items: [task("a")], seq: 1, epoch: "e" };
    client.setQueryData(queryKeys.projects.list(), projects);
    client.getQueryCache().build(client, { queryKey: queryKeys.tasks.list({ status: "closed" }) });
    const detail = { seq: 1, epoch: "e", item: task("a") };
    client.setQueryData([...queryKeys.tasks.all, "list", "detail-like"], detail);
    expect(patchTaskRows(client, "a", toClosed)).toHaveLength(1);
    expect(client.getQueryData(queryKeys.projects.list())).toBe(projects);
    expect(client.getQueryData([...queryKeys.tasks.all, "list", "detail-like"])).toBe(detail);
  });
});

describe("restoreTaskRows", () => {
  it("puts back a row that is not first in its list", () => {
    const client = new QueryClient();
    put(client, {}, [task("a"), task("b"), task("c")]);
    const snapshot = patchTaskRows(client, "c", toClosed);
    restoreTaskRows(client, "c", snapshot, (t) => t.status === "closed");
    expect(rows(client)).toEqual(["a:open", "b:open", "c:open"]);
  });

  it("does nothing for a list dropped from the cache or a row gone from its list meanwhile", () => {
    const client = new QueryClient();
    put(client, {}, [task("a"), task("b")]);
    put(client, { status: "open" }, [task("a"), task("b")]);
    const snapshot = patchTaskRows(client, "a", toClosed);
    client.removeQueries({ queryKey: queryKeys.tasks.list({}) });
    const without = put(client, { status: "open" }, [task("b")]);
    restoreTaskRows(client, "a", snapshot, () => true);
    expect(client.getQueryData(queryKeys.tasks.list({}))).toBeUndefined();
    expect(client.getQueryData(queryKeys.tasks.list({ status: "open" }))).toBe(without);
  });

  it("takes an inserted placeholder back out, without mutating the list it was in", () => {
    const client = new QueryClient();
    put(client, {}, [task("a")]);
    const placeholder = optimisticTask("tmp_1", { title: "new" });
    const snapshot = insertTaskRow(client, placeholder);
    const withPlaceholder = client.getQueryData<LiveList<Task>>(queryKeys.tasks.list({}));
    restoreTaskRows(client, "tmp_1", snapshot, () => true);
    expect(rows(client)).toEqual(["a:open"]);
    expect(withPlaceholder?.items.map((t) => t.id)).toEqual(["tmp_1", "a"]);
  });
});

describe("optimisticTask", () => {
  it("fills what the daemon would default, with whole-second UTC timestamps", () => {
    const t = optimisticTask("tmp_1", { title: "T" }, new Date("2026-01-02T03:04:05.678Z"));
    expect(t).toEqual({
      id: "tmp_1",
      project_id: null,
      title: "T",
      description: "",
      status: "open",
      priority: 2,
      labels: [],
      parent_id: null,
      created_at: "2026-01-02T03:04:05Z",
      updated_at: "2026-01-02T03:04:05Z",
      closed_at: null,
      closed_reason: null,
    });
  });

  it("keeps every field the form gave", () => {
    const input = { title: "T", project_id: "prj_2", description: "d", priority: 0, labels: ["ui"], parent_id: "tsk_9" };
    const t = optimisticTask("tmp_1", input, new Date("2026-01-02T03:04:05.000Z"));
    expect(t).toMatchObject({ project_id: "prj_2", description: "d", priority: 0, labels: ["ui"], parent_id: "tsk_9" });
    expect(t.created_at).toBe("2026-01-02T03:04:05Z");
  });
});

describe("insertTaskRow", () => {
  it("goes only into lists whose status, project and parent it fits", () => {
    const client = new QueryClient();
    put(client, {}, []);
    put(client, { status: "open" }, []);
    put(client, { status: "closed" }, []);
    put(client, { project_id: "prj_2" }, []);
    put(client, { project_id: "prj_3" }, []);
    put(client, { parent_id: "tsk_9" }, []);
    put(client, { parent_id: "tsk_8" }, []);
    const placeholder = optimisticTask("tmp_1", { title: "T", project_id: "prj_2", parent_id: "tsk_9" });
    const snapshot = insertTaskRow(client, placeholder);
    expect(snapshot.map(([key]) => key)).toEqual(
      ([{}, { status: "open" }, { project_id: "prj_2" }, { parent_id: "tsk_9" }] as TaskListParams[]).map((p) => queryKeys.tasks.list(p)),
    );
    expect(snapshot.every(([, before]) => before === null)).toBe(true);
    for (const params of [{ status: "closed" as const }, { project_id: "prj_3" }, { parent_id: "tsk_8" }]) {
      expect(rows(client, params)).toEqual([]);
    }
    expect(rows(client, { parent_id: "tsk_9" })).toEqual(["tmp_1:open"]);
  });

  it("never adds a row twice", () => {
    const client = new QueryClient();
    put(client, {}, [task("a")]);
    const placeholder = optimisticTask("tmp_1", { title: "T" });
    insertTaskRow(client, placeholder);
    expect(insertTaskRow(client, placeholder)).toEqual([]);
    expect(rows(client)).toEqual(["tmp_1:open", "a:open"]);
  });
});

describe("replaceTempRow", () => {
  it("replaces the placeholder where it stands, only in lists holding it", () => {
    const client = new QueryClient();
    put(client, {}, [task("a"), task("tmp_1"), task("b")]);
    const other = put(client, { status: "closed" }, [task("z", { status: "closed" })]);
    replaceTempRow(client, "tmp_1", task("real"));
    expect(rows(client)).toEqual(["a:open", "real:open", "b:open"]);
    expect(client.getQueryData(queryKeys.tasks.list({ status: "closed" }))).toBe(other);
  });

  it("drops the placeholder when a refetch already brought the real row, without mutating the list", () => {
    const client = new QueryClient();
    const before = put(client, {}, [task("tmp_1"), task("real"), task("b")]);
    replaceTempRow(client, "tmp_1", task("real"));
    expect(rows(client)).toEqual(["real:open", "b:open"]);
    expect(before.items.map((t) => t.id)).toEqual(["tmp_1", "real", "b"]);
  });
});
