import fc from "fast-check";
import { QueryClient } from "@tanstack/react-query";
import { describe, expect, it } from "vitest";
import type { LiveList } from "./liveData";
import {
  applyPending,
  insertTaskRow,
  isTempId,
  newTempId,
  optimisticTask,
  patchTaskRows,
  replaceTempRow,
  restoreTaskRows,
} from "./optimistic";
import { queryKeys } from "./queryKeys";
import { task } from "./ws/testkit";
import type { Task } from "./ws/generated";

const STATUSES = ["open", "in_progress", "blocked", "closed"] as const;

function clientWith(lists: Record<string, Task[]>): QueryClient {
  const client = new QueryClient();
  for (const [status, items] of Object.entries(lists)) {
    const key = queryKeys.tasks.list(status === "all" ? {} : { status: status as Task["status"] });
    client.setQueryData<LiveList<Task>>(key, { items, seq: 1, epoch: "e" });
  }
  return client;
}

const ids = (client: QueryClient, key = queryKeys.tasks.list()) =>
  client.getQueryData<LiveList<Task>>(key)?.items.map((t) => `${t.id}:${t.status}`);

describe("optimistic rows", () => {
  it("a patch followed by its rollback restores every list exactly", () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.constantFrom("a", "b", "c", "d", "e"), { minLength: 1 }),
        fc.constantFrom(...STATUSES),
        (names, status) => {
          const rows = names.map((n) => task(n));
          const client = clientWith({ all: rows, open: rows.slice(1) });
          const before = [ids(client), ids(client, queryKeys.tasks.list({ status: "open" }))];
          const target = names[0] as string;
          const snap = patchTaskRows(client, target, (t) => ({ ...t, status }));
          expect(ids(client)?.[0]).toBe(`${target}:${status}`);
          restoreTaskRows(client, target, snap, (t) => t.status === status);
          expect([ids(client), ids(client, queryKeys.tasks.list({ status: "open" }))]).toEqual(before);
        },
      ),
    );
  });

  it("a rollback leaves newer server data alone", () => {
    const client = clientWith({ all: [task("a")] });
    const snap = patchTaskRows(client, "a", (t) => ({ ...t, status: "in_progress" }));
    // A refetch brought the server's view (someone else blocked it) before the failure arrived.
    client.setQueryData<LiveList<Task>>(queryKeys.tasks.list(), { items: [task("a", { status: "blocked" })], seq: 2, epoch: "e" });
    restoreTaskRows(client, "a", snap, (t) => t.status === "in_progress");
    expect(ids(client)).toEqual(["a:blocked"]);
  });

  it("placeholders go into the lists they fit, and are replaced by the real task", () => {
    const client = clientWith({ all: [task("a")], closed: [] });
    const temp = newTempId();
    expect(isTempId(temp)).toBe(true);
    const snap = insertTaskRow(client, optimisticTask(temp, { title: "new" }));
    expect(snap).toHaveLength(1);
    expect(ids(client)).toEqual([`${temp}:open`, "a:open"]);
    expect(ids(client, queryKeys.tasks.list({ status: "closed" }))).toEqual([]);
    replaceTempRow(client, temp, task("real"));
    expect(ids(client)).toEqual(["real:open", "a:open"]);
  });

  it("applyPending overlays the newest pending status and adds missing placeholders", () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ id: fc.constantFrom("a", "b", "c"), status: fc.constantFrom(...STATUSES) }), { maxLength: 8 }),
        (changes) => {
          const rows = [task("a"), task("b")];
          const out = applyPending(rows, changes);
          for (const row of out) {
            const last = [...changes].reverse().find((c) => c.id === row.id);
            expect(row.status).toBe(last?.status ?? "open");
          }
          expect(out.map((t) => t.id)).toEqual(["a", "b"]);
        },
      ),
    );
    const temp = optimisticTask("tmp_1", { title: "x" });
    expect(applyPending([task("a")], [{ id: "tmp_1", create: temp }]).map((t) => t.id)).toEqual(["tmp_1", "a"]);
    expect(applyPending([temp], [{ id: "tmp_1", create: temp }])).toHaveLength(1);
  });
});
