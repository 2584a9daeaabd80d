/**
 * Model test of the whole event path into the task cache: an in-memory daemon (its task
 * table and event log, with the wire contract of docs/protocol.md) feeds a real
 * TidewireSocket, wired to a LiveSync by attachLiveSync, with the task patches registered.
 * Random interleavings of task changes, fetch responses (landing in an order fc.scheduler
 * picks), clock time, dropped connections (resumed, or answered with gap_too_old when the
 * daemon's log no longer reaches back), daemon restarts with a fresh database (a new epoch),
 * duplicated frames on the wire and manual refetches. The model is the daemon's own state:
 * once things settle, every cached list equals what a refetch would return right now.
 */
import fc from "fast-check";
import { QueryObserver, type QueryKey } from "@tanstack/react-query";
import { describe, expect, it } from "vitest";
import type { TaskListParams } from "./api";
import { attachLiveSync } from "./eventWiring";
import type { LiveList } from "./liveData";
import { queryKeys } from "./queryKeys";
import { createSyncHarness } from "./syncHarness";
import { registerTaskPatches } from "./taskEvents";
import { TidewireSocket } from "./ws/client";
import type { Task } from "./ws/generated";
import type { EventFrame } from "./ws/types";
import { FakeDaemon, socketFactory, task, type FakeSocket } from "./ws/testkit";

const LISTS: TaskListParams[] = [{}, { status: "open" }, { status: "blocked" }, { project_id: "prj_2" }];
const WINDOW = 100;
const tick = () => new Promise((r) => setTimeout(r, 0));

/** The daemon's task table beside its event log; `list` is what GET /api/tasks answers. */
class TaskTable {
  tasks = new Map<string, Task>();
  #created = 0;

  constructor(readonly daemon: FakeDaemon) {}

  list(params: TaskListParams): { items: Task[]; seq: number } {
    const items = [...this.tasks.values()].filter(
      (t) =>
        (params.status === undefined || t.status === params.status) &&
        (params.project_id === undefined || t.project_id === params.project_id),
    );
    return { items, seq: this.daemon.head };
  }

  create(project: string): void {
    this.#created += 1;
    // The daemon lists by creation time; whole seconds, as it stores them.
    const at = new Date(Date.UTC(2026, 10, 26, 6, 0, this.#created)).toISOString().replace(/\.\d+Z$/u, "Z");
    this.#commit("task.created", task(`t${this.#created}`, { project_id: project, created_at: at }));
  }

  change(pick: number, status: Task["status"]): void {
    const all = [...this.tasks.values()];
    const current = all[pick % Math.max(all.length, 1)];
    if (current === undefined) return;
    this.#commit(status === "closed" ? "task.closed" : "task.updated", { ...current, status });
  }

  /** A restart on a fresh database: no tasks, a new epoch, seqs from 1 again. */
  restart(epoch: string): void {
    this.daemon.dropAll();
    this.daemon.resetEpoch(epoch);
    this.tasks = new Map();
  }

  // State and event in one step, as the store's transaction does.
  #commit(type: "task.created" | "task.updated" | "task.closed", t: Task): void {
    this.tasks.set(t.id, t);
    const data = { task_id: t.id, project_id: t.project_id, task: t, ...(type === "task.updated" ? { changed: ["status"] } : {}) };
    this.daemon.emitData(type, data);
  }
}

type Step =
  | { kind: "create"; project: string }
  | { kind: "change"; pick: number; status: Task["status"] }
  | { kind: "advance"; ms: number }
  | { kind: "respond" }
  | { kind: "refetch"; list: number }
  | { kind: "drop" }
  | { kind: "accept" }
  | { kind: "restart" }
  | { kind: "duplicate"; back: number };

const step: fc.Arbitrary<Step> = fc.oneof(
  { arbitrary: fc.constantFrom("prj_1", "prj_2").map((project) => ({ kind: "create" as const, project })), weight: 3 },
  {
    arbitrary: fc
      .record({ pick: fc.nat(), status: fc.constantFrom<Task["status"]>("open", "in_progress", "blocked", "closed") })
      .map((r) => ({ kind: "change" as const, ...r })),
    weight: 4,
  },
  { arbitrary: fc.integer({ min: 0, max: 400 }).map((ms) => ({ kind: "advance" as const, ms })), weight: 2 },
  { arbitrary: fc.constant({ kind: "respond" as const }), weight: 2 },
  { arbitrary: fc.nat(LISTS.length - 1).map((list) => ({ kind: "refetch" as const, list })), weight: 1 },
  { arbitrary: fc.constant({ kind: "drop" as const }), weight: 1 },
  { arbitrary: fc.constant({ kind: "accept" as const }), weight: 2 },
  { arbitrary: fc.constant({ kind: "restart" as const }), weight: 1 },
  { arbitrary: fc.nat(5).map((back) => ({ kind: "duplicate" as const, back })), weight: 2 },
);

describe("task lists fed by the socket (model-based)", () => {
  it("equal a refetch of the daemon's state once settled, whatever the interleaving", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.scheduler(),
        fc.array(step, { minLength: 1, maxLength: 40 }),
        // A short daemon log makes some resumes too old to replay.
        fc.constantFrom(3, 1_000),
        async (s, steps, retain) => {
          const { client, clock, sync } = createSyncHarness({ windowMs: WINDOW, patchWindowMs: 50 });
          registerTaskPatches(sync);
          const daemon = new FakeDaemon({ retain });
          const table = new TaskTable(daemon);
          const factory = socketFactory();
          const socket = new TidewireSocket({
            url: "ws://daemon.test/ws",
            WebSocket: factory.Ctor,
            timers: clock,
            now: () => clock.now,
            random: () => 0.5,
            backoff: { initialMs: 100, maxMs: 400, factor: 2 },
            pingIntervalMs: 1e12,
            connectTimeoutMs: 1e12,
            logger: () => undefined,
          });
          const delivered: { epoch: string | null; frame: EventFrame }[] = [];
          socket.on("event", (frame) => delivered.push({ epoch: socket.epoch, frame }));
          const detach = attachLiveSync(socket, sync);
          socket.subscribe(["task.*"]);
          socket.start();
          const accepted = new Set<FakeSocket>();
          const accept = () => {
            const latest = factory.sockets[factory.sockets.length - 1];
            if (latest === undefined || accepted.has(latest) || latest.readyState !== 0) return;
            accepted.add(latest);
            daemon.accept(latest);
          };
          accept();
          table.create("prj_1");

          const keys: QueryKey[] = LISTS.map((p) => queryKeys.tasks.list(p));
          const seen: { epoch: string | null; seq: number }[][] = LISTS.map(() => []);
          const offs = LISTS.map((params, i) => {
            const observer = new QueryObserver(client, {
              queryKey: keys[i] as QueryKey,
              queryFn: () => {
                const body = table.list(params);
                return sync.stamp(s.schedule(Promise.resolve(body), `list${i}@${daemon.epoch}/${body.seq}`));
              },
            });
            return {
              observer,
              off: observer.subscribe((r) => {
                const data = r.data as LiveList<Task> | undefined;
                if (data !== undefined) seen[i]?.push({ epoch: data.epoch, seq: data.seq });
              }),
            };
          });
          let restarts = 0;
          try {
            await s.waitAll();
            await tick();
            for (const st of steps) {
              if (st.kind === "create") table.create(st.project);
              else if (st.kind === "change") table.change(st.pick, st.status);
              else if (st.kind === "advance") clock.advance(st.ms);
              else if (st.kind === "respond") {
                if (s.count() > 0) await s.waitOne();
              } else if (st.kind === "refetch") void offs[st.list]?.observer.refetch({ cancelRefetch: false });
              else if (st.kind === "drop") daemon.dropAll();
              else if (st.kind === "accept") accept();
              else if (st.kind === "restart") {
                restarts += 1;
                table.restart(`ep_${restarts + 1}`);
              } else {
                // A frame of this epoch again on the live socket: the client must not apply it twice.
                const live = daemon.connections[daemon.connections.length - 1];
                const ofEpoch = delivered.filter((d) => d.epoch === daemon.epoch);
                const again = ofEpoch[ofEpoch.length - 1 - st.back];
                if (live !== undefined && again !== undefined && live.socket.readyState === 1) live.socket.serverSend(again.frame);
              }
              await tick();
            }
            // Settle: reconnect, let every response land and every flush run.
            for (let round = 0; round < 30; round += 1) {
              accept();
              await s.waitAll();
              await tick();
              clock.advance(500);
              await tick();
            }
            await s.waitAll();
            expect(socket.state).toBe("connected");
            LISTS.forEach((params, i) => {
              const data = client.getQueryData<LiveList<Task>>(keys[i] as QueryKey);
              const truth = table.list(params);
              expect(data?.epoch).toBe(daemon.epoch);
              expect(data?.seq).toBe(truth.seq);
              expect(data?.items).toEqual(truth.items);
              // Within one epoch, what a list shows never goes back.
              const shown = seen[i] ?? [];
              for (let j = 1; j < shown.length; j += 1) {
                const [a, b] = [shown[j - 1], shown[j]];
                if (a !== undefined && b !== undefined && a.epoch === b.epoch) expect(b.seq).toBeGreaterThanOrEqual(a.seq);
              }
            });
            // Each event reached the cache once: within an epoch, seqs only go up.
            for (let j = 1; j < delivered.length; j += 1) {
              const [a, b] = [delivered[j - 1], delivered[j]];
              if (a !== undefined && b !== undefined && a.epoch === b.epoch) expect(b.frame.seq).toBeGreaterThan(a.frame.seq);
            }
          } finally {
            for (const { off } of offs) off();
            detach();
            socket.stop();
            sync.dispose();
            client.clear();
          }
        },
      ),
      { numRuns: 60 },
    );
  });
});
