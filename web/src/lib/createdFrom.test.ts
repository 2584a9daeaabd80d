// Which real task a placeholder became: the ids recorded from create replies, and, before the
// reply, the row whose fields are what the daemon makes of the placeholder's. A wrong match shows
// someone else's task as ours (or ours twice), so each field is checked on its own.
import { QueryClient } from "@tanstack/react-query";
import { describe, expect, it } from "vitest";
import { createdIds, isCreatedFrom, optimisticTask, recordCreated, resolveTaskId, showsFields } from "./optimistic";
import { task } from "./ws/testkit";
import type { Task } from "./ws/generated";

const MADE = new Date("2026-01-02T03:04:05Z");
const placeholder = optimisticTask(
  "tmp_1",
  { title: " Fix login ", project_id: "prj_1", description: "d", priority: 1, labels: ["ui", "auth"], parent_id: null },
  MADE,
);
const row = (overrides: Partial<Task> = {}): Task =>
  task("tsk_1", { title: "Fix login", description: "d", priority: 1, labels: ["ui", "auth"], created_at: "2026-01-02T03:04:05Z", ...overrides });

describe("created ids", () => {
  it("start empty, record a placeholder's real id, and resolve ids through them", () => {
    const client = new QueryClient();
    expect(createdIds(client).size).toBe(0);
    recordCreated(client, "tmp_1", "tsk_1");
    recordCreated(client, "tmp_2", "tsk_2");
    expect([...createdIds(client)]).toEqual([
      ["tmp_1", "tsk_1"],
      ["tmp_2", "tsk_2"],
    ]);
    const created = createdIds(client);
    expect(resolveTaskId(created, "tmp_1")).toBe("tsk_1");
    expect(resolveTaskId(created, "tmp_3")).toBeUndefined();
    expect(resolveTaskId(created, "tsk_7")).toBe("tsk_7");
  });

  it("keep one pair per placeholder, newest last, and only the newest 500", () => {
    const client = new QueryClient();
    recordCreated(client, "tmp_1", "tsk_1");
    recordCreated(client, "tmp_2", "tsk_2");
    recordCreated(client, "tmp_1", "tsk_9");
    expect([...createdIds(client)]).toEqual([
      ["tmp_2", "tsk_2"],
      ["tmp_1", "tsk_9"],
    ]);
    for (let i = 0; i < 600; i += 1) recordCreated(client, `tmp_n${i}`, `tsk_n${i}`);
    const created = createdIds(client);
    expect(created.size).toBe(500);
    expect(created.has("tmp_n99")).toBe(false);
    expect(created.get("tmp_n100")).toBe("tsk_n100");
    expect(created.get("tmp_n599")).toBe("tsk_n599");
  });
});

describe("showsFields", () => {
  it("is true only when every edited field already shows, labels compared by value", () => {
    const t = task("a", { title: "A", priority: 1, labels: ["x", "y"] });
    expect(showsFields(t, {})).toBe(true);
    expect(showsFields(t, { title: "A", labels: ["x", "y"] })).toBe(true);
    expect(showsFields(t, { title: "A", priority: 0 })).toBe(false);
    expect(showsFields(t, { labels: ["y", "x"] })).toBe(false);
  });
});

describe("isCreatedFrom", () => {
  const none = new Map<string, string>();

  it("matches the row the daemon makes of the placeholder (title trimmed, labels deduplicated)", () => {
    expect(isCreatedFrom(placeholder, row(), none)).toBe(true);
    expect(isCreatedFrom(placeholder, row({ labels: ["ui", "auth", "ui"] }), none)).toBe(true);
    expect(isCreatedFrom({ ...placeholder, labels: [" ui", "auth "] }, row(), none)).toBe(true);
  });

  it("refuses a row that differs in any one field", () => {
    const differing: Partial<Task>[] = [
      { id: "tmp_2" },
      { status: "in_progress" },
      { title: "Fix login!" },
      { description: "other" },
      { priority: 2 },
      { parent_id: "tsk_0" },
      { project_id: "prj_2" },
      { labels: ["ui"] },
      { labels: ["auth", "ui"] },
    ];
    for (const overrides of differing) expect(isCreatedFrom(placeholder, row(overrides), none)).toBe(false);
  });

  it("takes any project when the placeholder named none", () => {
    expect(isCreatedFrom({ ...placeholder, project_id: null }, row({ project_id: "prj_7" }), none)).toBe(true);
  });

  it("compares the parent through the placeholders' real ids", () => {
    const child = { ...placeholder, parent_id: "tmp_p" };
    expect(isCreatedFrom(child, row({ parent_id: "tsk_p" }), new Map([["tmp_p", "tsk_p"]]))).toBe(true);
    expect(isCreatedFrom(child, row({ parent_id: "tsk_p" }), none)).toBe(false);
    expect(isCreatedFrom(child, row({ parent_id: "tmp_p" }), none)).toBe(true);
    expect(isCreatedFrom({ ...placeholder, parent_id: "tsk_q" }, row({ parent_id: "tsk_q" }), none)).toBe(true);
  });

  it("allows five seconds of clock difference, and no more", () => {
    expect(isCreatedFrom(placeholder, row({ created_at: "2026-01-02T03:04:00Z" }), none)).toBe(true);
    expect(isCreatedFrom(placeholder, row({ created_at: "2026-01-02T03:03:59Z" }), none)).toBe(false);
    expect(isCreatedFrom(placeholder, row({ created_at: "2026-01-02T04:00:00Z" }), none)).toBe(true);
  });
});
