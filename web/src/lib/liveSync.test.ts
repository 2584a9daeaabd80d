import { QueryObserver, type QueryKey } from "@tanstack/react-query";
import { afterEach, describe, expect, it } from "vitest";
import { keepNewest, type LiveList } from "./liveData";
import { keysForPattern } from "./liveSync";
import { queryKeys } from "./queryKeys";
import { createSyncHarness } from "./syncHarness";

/** A REST endpoint stand-in whose responses can be held back to model slow fetches. */
class FakeEndpoint {
  seq = 0;
  calls = 0;
  hold = false;
  readonly held: (() => void)[] = [];

  fetch = (): Promise<{ items: number[]; seq: number }> => {
    this.calls += 1;
    const snapshot = { items: [this.seq], seq: this.seq };
    if (!this.hold) return Promise.resolve(snapshot);
    return new Promise((resolve) => this.held.push(() => resolve(snapshot)));
  };

  releaseAll(): void {
    for (const r of this.held.splice(0)) r();
  }
}

const settle = async (): Promise<void> => {
  for (let i = 0; i < 10; i += 1) await new Promise((r) => setTimeout(r, 0));
};

/** Observers made by `observe` are unsubscribed after each test. */
const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

function setup(windowMs = 250) {
  const { client, clock, sync } = createSyncHarness({ windowMs });
  const endpoint = new FakeEndpoint();
  const observe = (key: QueryKey = queryKeys.tasks.list()) => {
    const observer = new QueryObserver(client, { queryKey: key, queryFn: () => sync.stamp(endpoint.fetch()) });
    const unsubscribe = observer.subscribe(() => undefined);
    return { observer, unsubscribe, data: () => client.getQueryData<LiveList<number>>(key) };
  };
  return { client, clock, sync, endpoint, observe };
}

describe("LiveSync", () => {
  it("ignores events the cached data already reflects", async () => {
    const t = setup();
    t.endpoint.seq = 50;
    const q = t.observe();
    await settle();
    expect(t.endpoint.calls).toBe(1);
    for (let seq = 1; seq <= 50; seq += 1) t.sync.handleEvent({ type: "task.updated", seq, data: {} });
    t.clock.advance(1_000);
    await settle();
    expect(t.endpoint.calls).toBe(1);
    t.endpoint.seq = 51;
    t.sync.handleEvent({ type: "task.updated", seq: 51, data: {} });
    t.clock.advance(1_000);
    await settle();
    expect(t.endpoint.calls).toBe(2);
    expect(q.data()?.seq).toBe(51);
  });

  it("only touches the family an event belongs to", async () => {
    const t = setup();
    const tasks = t.observe(queryKeys.tasks.list());
    const agents = t.observe(queryKeys.agents.list());
    await settle();
    const before = t.endpoint.calls;
    t.endpoint.seq = 1;
    t.sync.handleEvent({ type: "agent.started", seq: 1, data: {} });
    t.clock.advance(1_000);
    await settle();
    expect(t.endpoint.calls).toBe(before + 1);
    expect(agents.data()?.seq).toBe(1);
    expect(tasks.data()?.seq).toBe(0);
  });

  it("coalesces a storm of 1,000 events per second into a bounded number of refetches", async () => {
    const t = setup(250);
    const q = t.observe();
    await settle();
    const start = t.endpoint.calls;
    for (let seq = 1; seq <= 1_000; seq += 1) {
      t.endpoint.seq = seq;
      t.sync.handleEvent({ type: "task.updated", seq, data: {} });
      t.clock.advance(1);
      if (seq % 50 === 0) await settle();
    }
    t.clock.advance(1_000);
    await settle();
    const refetches = t.endpoint.calls - start;
    // One per 250 ms window over one second, plus the trailing one.
    expect(refetches).toBeGreaterThanOrEqual(1);
    expect(refetches).toBeLessThanOrEqual(6);
    expect(q.data()?.seq).toBe(1_000);
  });

  it("a fetch that started before an event cannot leave its older data in place", async () => {
    const t = setup();
    const q = t.observe();
    await settle();
    t.endpoint.hold = true;
    t.endpoint.seq = 1;
    t.sync.handleEvent({ type: "task.created", seq: 1, data: {} });
    t.clock.advance(1_000);
    await settle();
    expect(t.endpoint.held).toHaveLength(1); // in flight, reflecting seq 1
    t.endpoint.seq = 2;
    t.sync.handleEvent({ type: "task.updated", seq: 2, data: {} });
    t.clock.advance(1_000);
    await settle();
    expect(t.endpoint.held).toHaveLength(1); // not cancelled, not duplicated
    t.endpoint.hold = false;
    t.endpoint.releaseAll();
    await settle();
    t.clock.advance(1_000);
    await settle();
    expect(q.data()?.seq).toBe(2);
  });

  it("watches the cache again after dispose and attach (a StrictMode remount)", async () => {
    const t = setup();
    t.sync.dispose();
    t.sync.attach();
    const q = t.observe();
    await settle();
    expect(t.sync.isStale(queryKeys.tasks.list())).toBe(false); // confirmed by the fetch landing
    t.endpoint.hold = true;
    t.endpoint.seq = 1;
    t.sync.handleEvent({ type: "task.created", seq: 1, data: {} });
    t.clock.advance(1_000);
    await settle();
    t.endpoint.seq = 2;
    t.sync.handleEvent({ type: "task.updated", seq: 2, data: {} });
    t.clock.advance(1_000);
    await settle();
    t.endpoint.hold = false;
    t.endpoint.releaseAll();
    await settle();
    t.clock.advance(1_000);
    await settle();
    expect(q.data()?.seq).toBe(2);
  });

  it("keepNewest refuses a response older than what the cache holds", () => {
    const newer = { items: [2], seq: 9, epoch: "e" };
    const older = { items: [1], seq: 4, epoch: "e" };
    expect(keepNewest(newer, older)).toBe(newer);
    expect(keepNewest(older, newer)).toEqual(newer);
    const otherEpoch = { items: [3], seq: 1, epoch: "f" };
    expect(keepNewest(newer, otherEpoch)).toEqual(otherEpoch);
  });

  it("a subscribe that took effect after the data's seq makes it refetch", async () => {
    const t = setup();
    const q = t.observe();
    await settle();
    t.endpoint.seq = 7;
    t.sync.handleSubscribed(["task.*"], 7);
    t.clock.advance(1_000);
    await settle();
    expect(q.data()?.seq).toBe(7);
    expect(keysForPattern("*").length).toBeGreaterThan(3);
    expect(keysForPattern("session.message:session_id=s1")).toContainEqual(queryKeys.sessionMessages.list("s1"));
  });

  it("tracks staleness across a disconnect, and a resume confirms what is shown", async () => {
    const t = setup();
    t.observe();
    await settle();
    const key = queryKeys.tasks.list();
    expect(t.sync.isStale(key)).toBe(false);
    t.sync.setConnected(false);
    expect(t.sync.isStale(key)).toBe(true);
    expect(t.sync.isAnyStale()).toBe(true);
    t.sync.setConnected(true);
    expect(t.sync.isStale(key)).toBe(true); // connected, but not yet confirmed
    await t.sync.handleResumed();
    expect(t.sync.isStale(key)).toBe(false);
    expect(t.sync.isAnyStale()).toBe(false);
  });

  it("after a resync everything is refetched and unshown stale entries are dropped", async () => {
    const t = setup();
    const shown = t.observe(queryKeys.tasks.list());
    const hidden = t.observe(queryKeys.worktrees.list());
    await settle();
    hidden.unsubscribe();
    t.sync.setConnected(false);
    t.sync.setConnected(true);
    t.endpoint.seq = 3;
    const calls = t.endpoint.calls;
    await t.sync.handleResync({ reason: "epoch_changed", epoch: "ep2", seq: 3 });
    await settle();
    expect(t.endpoint.calls).toBe(calls + 1);
    expect(shown.data()).toMatchObject({ seq: 3, epoch: "ep2" });
    expect(t.client.getQueryData(queryKeys.worktrees.list())).toBeUndefined();
    expect(t.sync.isStale(queryKeys.tasks.list())).toBe(false);
  });

  it("data from another epoch is refetched on the next event of its family", async () => {
    const t = setup();
    const q = t.observe();
    await settle();
    t.sync.setEpoch("ep2");
    t.endpoint.seq = 1;
    t.sync.handleEvent({ type: "task.created", seq: 1, data: {} });
    t.clock.advance(1_000);
    await settle();
    expect(q.data()).toMatchObject({ seq: 1, epoch: "ep2" });
  });
});

describe("LiveSync resync", () => {
  it("an overflow resync refetches data older than the daemon's head, even from a fetch in flight", async () => {
    const t = setup();
    const q = t.observe();
    await settle();
    t.endpoint.hold = true;
    t.endpoint.seq = 4;
    void q.observer.refetch();
    await settle();
    expect(t.endpoint.held).toHaveLength(1); // will answer with seq 4
    t.endpoint.seq = 9;
    const done = t.sync.handleResync({ reason: "overflow", epoch: "ep", seq: 9 });
    t.endpoint.hold = false;
    t.endpoint.releaseAll();
    await done;
    t.clock.advance(1_000);
    await settle();
    expect(q.data()?.seq).toBe(9);
    expect(t.sync.isStale(queryKeys.tasks.list())).toBe(false);
  });

  it("a resync that finds the data current refetches nothing and confirms it", async () => {
    const t = setup();
    t.endpoint.seq = 5;
    t.observe();
    await settle();
    t.sync.setConnected(false);
    t.sync.setConnected(true);
    const calls = t.endpoint.calls;
    await t.sync.handleResync({ reason: "fresh", epoch: "ep", seq: 5 });
    expect(t.endpoint.calls).toBe(calls);
    expect(t.sync.isStale(queryKeys.tasks.list())).toBe(false);
  });
});
