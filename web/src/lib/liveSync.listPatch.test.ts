// LiveSync's list patches, case by case: an event with a patch changes the cached list instead
// of refetching it, events are gathered into one batch per window, a response that was in flight
// catches up from the log, and whenever something above the data's seq may be missing (a
// subscribe, an unpatched event, the log's bound, a patch that cannot apply) it refetches instead.
import { QueryObserver, type QueryKey } from "@tanstack/react-query";
import { afterEach, describe, expect, it } from "vitest";
import type { LiveList } from "./liveData";
import type { ListPatch } from "./liveSync";
import { queryKeys } from "./queryKeys";
import { createSyncHarness } from "./syncHarness";

const settle = async (): Promise<void> => {
  for (let i = 0; i < 10; i += 1) await new Promise((r) => setTimeout(r, 0));
};

/** Appends the event's `n` to the list; refuses (undefined) an event without one. */
const append: ListPatch = (_key, data, event) => {
  const n = (event.data as { n?: number }).n;
  if (n === undefined) return undefined;
  return { ...(data as LiveList<number>), items: [...(data as LiveList<number>).items, n] };
};

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

function setup(options: { logLimit?: number; patchWindowMs?: number } = {}) {
  const { client, clock, sync } = createSyncHarness({ windowMs: 250, ...options });
  sync.registerListPatch("task.updated", append);
  const server = { seq: 0, items: [] as number[], calls: 0, hold: false, held: [] as (() => void)[] };
  const fetch = () => {
    server.calls += 1;
    const body = { items: [...server.items], seq: server.seq };
    if (!server.hold) return Promise.resolve(body);
    return new Promise<typeof body>((resolve) => server.held.push(() => resolve(body)));
  };
  const observe = (key: QueryKey = queryKeys.tasks.list()) => {
    const observer = new QueryObserver(client, { queryKey: key, queryFn: () => sync.stamp(fetch()) });
    cleanups.push(observer.subscribe(() => undefined));
    return () => client.getQueryData<LiveList<number>>(key);
  };
  /** What the daemon commits: the server's state moves, and the event is delivered. */
  const commit = (n: number, type = "task.updated") => {
    server.seq += 1;
    server.items.push(n);
    sync.handleEvent({ type, seq: server.seq, data: { n } });
  };
  const later = async (ms = 1_000) => {
    clock.advance(ms);
    await settle();
  };
  /** The held responses land; later fetches answer at once. */
  const release = async () => {
    server.hold = false;
    server.held.splice(0).forEach((answer) => answer());
    await settle();
    await later();
  };
  return { client, clock, sync, server, observe, commit, later, release };
}

describe("LiveSync list patches", () => {
  it("apply an event to the cached list without a refetch", async () => {
    const t = setup();
    const data = t.observe();
    await settle();
    t.commit(1);
    await t.later();
    expect(t.server.calls).toBe(1);
    expect(data()).toMatchObject({ items: [1], seq: 1, epoch: "ep" });
    expect(t.sync.patchCount).toBe(1);
  });

  it("gather a burst into one list copy per window, the first event at once", async () => {
    const t = setup({ patchWindowMs: 100 });
    const data = t.observe();
    await settle();
    t.commit(1);
    await t.later(0);
    expect(data()?.items).toEqual([1]);
    for (let n = 2; n <= 20; n += 1) t.commit(n);
    await t.later(50);
    expect(data()?.items).toEqual([1]);
    await t.later(50);
    expect(data()?.items).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(t.sync.patchCount).toBe(2);
    expect(t.server.calls).toBe(1);
  });

  it("touch only the lists of the event's family", async () => {
    const t = setup();
    const tasks = t.observe(queryKeys.tasks.list());
    const agents = t.observe(queryKeys.agents.list());
    await settle();
    t.commit(1);
    await t.later();
    expect(tasks()?.items).toEqual([1]);
    expect(agents()).toMatchObject({ items: [], seq: 0 });
    expect(t.server.calls).toBe(2);
  });

  it("bring a response that was in flight up to date from the log", async () => {
    const t = setup();
    t.server.hold = true;
    const data = t.observe();
    await settle();
    // The response reflects seq 0; three events land while it is on its way.
    t.commit(1);
    t.commit(2);
    t.commit(3);
    await t.later();
    await t.release();
    // The held body was taken at seq 0: the log supplies 1..3, and nothing is fetched again.
    expect(data()).toMatchObject({ items: [1, 2, 3], seq: 3 });
    expect(t.server.calls).toBe(1);
  });

  it("refetch when an event the list needs fell out of the bounded log", async () => {
    const t = setup({ logLimit: 2 });
    t.server.hold = true;
    const data = t.observe();
    await settle();
    t.commit(1);
    t.commit(2);
    t.commit(3);
    await t.later();
    await t.release();
    expect(t.server.calls).toBe(2);
    expect(data()).toMatchObject({ items: [1, 2, 3], seq: 3 });
  });

  it("refetch when the patch cannot apply the event", async () => {
    const t = setup();
    const data = t.observe();
    await settle();
    t.server.seq += 1;
    t.server.items.push(7);
    t.sync.handleEvent({ type: "task.updated", seq: t.server.seq, data: {} });
    await t.later();
    expect(t.server.calls).toBe(2);
    expect(data()).toMatchObject({ items: [7], seq: 1 });
  });

  it("refetch, not patch, data older than an event of the family without a patch", async () => {
    const t = setup();
    t.server.hold = true;
    const data = t.observe();
    await settle();
    t.commit(1);
    t.commit(2, "task.closed");
    t.commit(3);
    await t.later();
    await t.release();
    expect(t.server.calls).toBe(2);
    expect(data()).toMatchObject({ items: [1, 2, 3], seq: 3 });
  });

  it("refetch data older than a subscribe that took effect above it", async () => {
    const t = setup();
    const data = t.observe();
    await settle();
    t.server.seq = 5;
    t.server.items = [5];
    t.sync.handleSubscribed(["task.*"], 5);
    t.commit(6);
    await t.later();
    expect(data()).toMatchObject({ items: [5, 6], seq: 6 });
    expect(t.server.calls).toBe(2);
  });

  it("ignore a subscribe with no position, and one whose pattern names no cached family", async () => {
    const t = setup();
    t.observe();
    await settle();
    t.sync.handleSubscribed(["task.*"], null);
    t.sync.handleSubscribed(["nonsense"], 9);
    await t.later();
    expect(t.server.calls).toBe(1);
  });

  it("are not buffered before the handshake gave an epoch: the event marks its family at once", async () => {
    const t = setup();
    const data = t.observe();
    await settle();
    t.sync.setEpoch(null);
    t.commit(1);
    await t.later();
    expect(t.sync.patchCount).toBe(0);
    expect(t.server.calls).toBe(2);
    expect(data()?.items).toEqual([1]);
  });

  it("waiting in a batch are applied before a new epoch voids the log", async () => {
    const t = setup({ patchWindowMs: 100 });
    const data = t.observe();
    await settle();
    t.commit(1);
    await t.later(0);
    t.commit(2);
    t.sync.setEpoch("ep2");
    expect(data()?.items).toEqual([1, 2]);
  });

  it("are dropped, with the pending flush, by dispose", async () => {
    const t = setup({ patchWindowMs: 100 });
    const data = t.observe();
    await settle();
    t.commit(1);
    await t.later(0);
    t.commit(2);
    t.sync.dispose();
    expect(t.clock.pending).toBe(0);
    await t.later();
    expect(data()?.items).toEqual([1]);
  });
});
