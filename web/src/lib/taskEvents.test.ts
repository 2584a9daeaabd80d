import fc from "fast-check";
import { QueryObserver, type QueryKey } from "@tanstack/react-query";
import { describe, expect, it } from "vitest";
import type { LiveList } from "./liveData";
import { queryKeys } from "./queryKeys";
import { applyTaskEvent, registerTaskPatches } from "./taskEvents";
import { createSyncHarness } from "./syncHarness";
import { task } from "./ws/testkit";
import type { Task } from "./ws/generated";
import type { TaskListParams } from "./api";

const list = (items: Task[], seq = 1): LiveList<Task> => ({ items, seq, epoch: "ep" });
const event = (type: string, t: Task, seq = 2) => ({
  type,
  seq,
  data: { task_id: t.id, project_id: t.project_id, task: t },
});
const ids = (data: unknown) => (data as LiveList<Task>).items.map((t) => t.id);

describe("applyTaskEvent", () => {
  const a = task("a", { created_at: "2026-11-26T06:00:00Z" });
  const b = task("b", { created_at: "2026-11-26T06:02:00Z" });

  it("replaces a row in place, adds a new one in the daemon's order, leaves the input alone", () => {
    const before = list([a, b]);
    const updated = applyTaskEvent(queryKeys.tasks.list(), before, event("task.updated", { ...a, title: "new" }));
    expect((updated as LiveList<Task>).items.map((t) => t.title)).toEqual(["new", "Task b"]);
    const between = task("c", { created_at: "2026-11-26T06:01:00.500Z" });
    expect(ids(applyTaskEvent(queryKeys.tasks.list(), before, event("task.created", between)))).toEqual([
      "a",
      "c",
      "b",
    ]);
    expect(ids(before)).toEqual(["a", "b"]);
    expect(before.items[0]?.title).toBe("Task a");
  });

  it("respects the list's filter: a task leaving it is dropped, one entering it is added", () => {
    const key = queryKeys.tasks.list({ status: "open", project_id: "prj_1" });
    expect(ids(applyTaskEvent(key, list([a, b]), event("task.closed", { ...a, status: "closed" })))).toEqual(["b"]);
    expect(ids(applyTaskEvent(key, list([b]), event("task.updated", a)))).toEqual(["a", "b"]);
    const elsewhere = { ...a, project_id: "prj_2" };
    expect(applyTaskEvent(key, list([b]), event("task.updated", elsewhere))).toEqual(list([b]));
  });

  it("answers undefined (refetch) for what it does not understand", () => {
    expect(applyTaskEvent(["tasks", "list", { label: "x" }], list([a]), event("task.updated", a))).toBeUndefined();
    expect(applyTaskEvent(["tasks", "detail", "a"], list([a]), event("task.updated", a))).toBeUndefined();
    expect(
      applyTaskEvent(queryKeys.tasks.list(), list([a]), { type: "task.updated", seq: 2, data: {} }),
    ).toBeUndefined();
    expect(applyTaskEvent(queryKeys.tasks.list(), { seq: 1, epoch: "ep" }, event("task.updated", a))).toBeUndefined();
  });
});

describe("LiveSync with task patches", () => {
  function setup(logLimit?: number) {
    const { client, clock, sync } = createSyncHarness({ windowMs: 100, patchWindowMs: 50, logLimit });
    registerTaskPatches(sync);
    const model = new TaskModel();
    model.create("prj_1");
    const held: (() => void)[] = [];
    let fetches = 0;
    const key = queryKeys.tasks.list();
    const observer = new QueryObserver(client, {
      queryKey: key,
      queryFn: () => {
        fetches += 1;
        const body = model.snapshot({});
        return sync.stamp(new Promise<typeof body>((resolve) => held.push(() => resolve(body))));
      },
    });
    const off = observer.subscribe(() => undefined);
    const land = async () => {
      for (const release of held.splice(0)) release();
      for (let i = 0; i < 5; i += 1) await tick();
    };
    const data = () => client.getQueryData<LiveList<Task>>(key);
    return { sync, clock, model, land, data, fetches: () => fetches, off };
  }

  it("a refetch after a gap that lands behind a storm catches up from the log instead of fetching again", async () => {
    const t = setup();
    await t.land();
    expect(t.data()?.seq).toBe(1);
    // Two events the socket never delivered, then the subscribe that took effect after them.
    t.model.create("prj_1");
    t.model.create("prj_1");
    t.sync.handleSubscribed(["task.*"], t.model.head);
    t.clock.advance(100);
    await tick();
    expect(t.fetches()).toBe(2);
    // While that refetch is in flight, a storm: each event delivered, none can be applied yet.
    for (let i = 0; i < 200; i += 1) t.sync.handleEvent(t.model.change(i, i % 2 === 0 ? "blocked" : "open") ?? fail());
    t.clock.advance(100);
    await t.land();
    t.clock.advance(1_000);
    await t.land();
    expect(t.fetches()).toBe(2);
    expect(t.data()?.seq).toBe(t.model.head);
    expect(t.data()?.items).toEqual(t.model.snapshot({}).items);
    t.off();
  });

  it("data older than what the log still holds is refetched", async () => {
    const t = setup(10);
    await t.land();
    t.model.create("prj_1");
    t.sync.handleSubscribed(["task.*"], t.model.head);
    t.clock.advance(100);
    await tick();
    expect(t.fetches()).toBe(2);
    // More events arrive during that refetch than the log keeps.
    for (let i = 0; i < 30; i += 1) t.sync.handleEvent(t.model.change(i, "blocked") ?? fail());
    t.clock.advance(100);
    await t.land();
    t.clock.advance(100);
    await tick();
    expect(t.fetches()).toBe(3);
    await t.land();
    expect(t.data()?.seq).toBe(t.model.head);
    expect(t.data()?.items).toEqual(t.model.snapshot({}).items);
    t.off();
  });
});

function fail(): never {
  throw new Error("no task to change");
}

/** A daemon's task table and event log, for the model-based test below. */
class TaskModel {
  readonly tasks = new Map<string, Task>();
  head = 0;
  #created = 0;

  snapshot(params: TaskListParams): { items: Task[]; seq: number } {
    const items = [...this.tasks.values()].filter(
      (t) =>
        (params.status === undefined || t.status === params.status) &&
        (params.project_id === undefined || t.project_id === params.project_id),
    );
    return { items, seq: this.head };
  }

  create(project: string) {
    this.#created += 1;
    const at = new Date(Date.UTC(2026, 10, 26, 6, 0, this.#created)).toISOString().replace(/\.\d+Z$/u, "Z");
    return this.#emit("task.created", task(`t${this.#created}`, { project_id: project, created_at: at }));
  }

  change(pick: number, status: Task["status"]) {
    const all = [...this.tasks.values()];
    if (all.length === 0) return null;
    const current = all[pick % all.length] as Task;
    return this.#emit(status === "closed" ? "task.closed" : "task.updated", { ...current, status });
  }

  #emit(type: string, t: Task) {
    this.tasks.set(t.id, t);
    this.head += 1;
    return { type, seq: this.head, data: { task_id: t.id, project_id: t.project_id, task: t } };
  }
}

type Step =
  | { kind: "create"; project: string }
  | { kind: "change"; pick: number; status: Task["status"] }
  | { kind: "advance"; ms: number }
  | { kind: "refetch"; list: number }
  | { kind: "respond" }
  | { kind: "gap"; lost: number };

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.constantFrom("prj_1", "prj_2").map((project) => ({ kind: "create" as const, project })),
  fc
    .record({ pick: fc.nat(), status: fc.constantFrom<Task["status"]>("open", "in_progress", "blocked", "closed") })
    .map((r) => ({ kind: "change" as const, ...r })),
  fc.integer({ min: 0, max: 250 }).map((ms) => ({ kind: "advance" as const, ms })),
  fc.nat(3).map((i) => ({ kind: "refetch" as const, list: i })),
  fc.constant({ kind: "respond" as const }),
  fc.integer({ min: 0, max: 3 }).map((lost) => ({ kind: "gap" as const, lost })),
);

const WINDOW = 100;
const tick = () => new Promise((r) => setTimeout(r, 0));
const LISTS: TaskListParams[] = [{}, { status: "open" }, { status: "blocked" }, { project_id: "prj_2" }];

describe("task lists kept by events (model-based)", () => {
  it("every list ends equal to the daemon's, never moves back, and refetches only for a gap", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.scheduler(),
        fc.array(step, { minLength: 1, maxLength: 40 }),
        // A small log overflows within a run: correctness must not depend on its size.
        fc.constantFrom(4, 2_000),
        async (s, steps, logLimit) => {
          const { client, clock, sync } = createSyncHarness({ windowMs: WINDOW, patchWindowMs: 50, logLimit });
          registerTaskPatches(sync);
          const model = new TaskModel();
          model.create("prj_1");
          let fetches = 0;
          const keys: QueryKey[] = LISTS.map((p) => queryKeys.tasks.list(p));
          const observers = LISTS.map(
            (params, i) =>
              new QueryObserver(client, {
                queryKey: keys[i] as QueryKey,
                queryFn: () => {
                  fetches += 1;
                  const body = model.snapshot(params);
                  return sync.stamp(s.schedule(Promise.resolve(body), `list${i}@${body.seq}`));
                },
              }),
          );
          const seen: number[][] = LISTS.map(() => []);
          const offs = observers.map((o, i) =>
            o.subscribe((r) => {
              if (r.data !== undefined) seen[i]?.push((r.data as LiveList<Task>).seq);
            }),
          );
          try {
            await s.waitAll();
            await tick();
            const initial = fetches;
            let manual = 0;
            let gaps = 0;
            for (const st of steps) {
              if (st.kind === "create") sync.handleEvent(model.create(st.project));
              else if (st.kind === "change") {
                const e = model.change(st.pick, st.status);
                if (e !== null) sync.handleEvent(e);
              } else if (st.kind === "advance") clock.advance(st.ms);
              else if (st.kind === "refetch") {
                manual += 1;
                void observers[st.list]?.refetch({ cancelRefetch: false });
              } else if (st.kind === "gap") {
                // Events the socket never delivered, then a subscribe that took effect after them.
                gaps += 1;
                for (let i = 0; i < st.lost; i += 1) model.change(i, "blocked");
                sync.handleSubscribed(["task.*"], model.head);
              } else if (s.count() > 0) await s.waitOne();
              await tick();
            }
            for (let round = 0; round < 20; round += 1) {
              await s.waitAll();
              await tick();
              clock.advance(WINDOW);
              await tick();
            }
            await s.waitAll();
            LISTS.forEach((params, i) => {
              const data = client.getQueryData<LiveList<Task>>(keys[i] as QueryKey);
              expect(data?.seq).toBe(model.head);
              expect(data?.items).toEqual(model.snapshot(params).items);
              const seqs = seen[i] ?? [];
              for (let j = 1; j < seqs.length; j += 1) expect(seqs[j]).toBeGreaterThanOrEqual(seqs[j - 1] as number);
            });
            if (logLimit > steps.length) {
              // Without a gap every event is applied in place: the only fetches are the ones asked for.
              if (gaps === 0) expect(fetches - initial).toBeLessThanOrEqual(manual);
              // A gap costs each list at most its refetch plus one for a response already in flight;
              // events arriving meanwhile are taken from the log, not fetched again.
              expect(fetches - initial - manual).toBeLessThanOrEqual(2 * gaps * LISTS.length);
            }
          } finally {
            for (const off of offs) off();
            sync.dispose();
            client.clear();
          }
        },
      ),
      { numRuns: 60 },
    );
  });
});
