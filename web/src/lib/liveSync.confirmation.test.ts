// What LiveSync tells the UI is live: a query is confirmed by a fetch landing (or a sync
// checking it) while the socket is up, within one stretch of connectivity; everything else is
// stale. Also which cache prefixes a subscription pattern keeps live.
import { QueryClient, QueryObserver, type QueryKey } from "@tanstack/react-query";
import { afterEach, describe, expect, it } from "vitest";
import type { LiveList } from "./liveData";
import { LiveSync, keysForPattern } from "./liveSync";
import { queryKeys } from "./queryKeys";
import { createSyncHarness } from "./syncHarness";

const settle = async (): Promise<void> => {
  for (let i = 0; i < 10; i += 1) await new Promise((r) => setTimeout(r, 0));
};

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

function setup() {
  const { client, clock, sync } = createSyncHarness({ windowMs: 250 });
  const server = { seq: 0, calls: 0, hold: false, held: [] as (() => void)[] };
  const fetch = () => {
    server.calls += 1;
    const body = { items: [server.seq], seq: server.seq };
    if (!server.hold) return Promise.resolve(body);
    return new Promise<typeof body>((resolve) => server.held.push(() => resolve(body)));
  };
  const observe = (key: QueryKey = queryKeys.tasks.list()) => {
    const observer = new QueryObserver(client, { queryKey: key, queryFn: () => sync.stamp(fetch()) });
    const unsubscribe = observer.subscribe(() => undefined);
    cleanups.push(unsubscribe);
    return { observer, unsubscribe, data: () => client.getQueryData<LiveList<number>>(key) };
  };
  const later = async (ms = 1_000) => {
    clock.advance(ms);
    await settle();
  };
  return { client, clock, sync, server, observe, later };
}

describe("LiveSync confirmation", () => {
  it("starts disconnected with no epoch, and says so", () => {
    const fresh = new LiveSync(new QueryClient(), { attach: false });
    expect(fresh.connected).toBe(false);
    expect(fresh.epoch).toBeNull();
    expect(fresh.isAnyStale()).toBe(true);
  });

  it("a fetch landing while connected confirms; one landing while disconnected does not", async () => {
    const t = setup();
    t.observe(queryKeys.tasks.list());
    await settle();
    expect(t.sync.isStale(queryKeys.tasks.list())).toBe(false);
    t.sync.setConnected(false);
    t.observe(queryKeys.agents.list());
    await settle();
    t.sync.setConnected(true);
    expect(t.sync.isStale(queryKeys.agents.list())).toBe(true);
    expect(t.sync.isStale(queryKeys.tasks.list())).toBe(true);
  });

  it("a key with nothing cached is not stale, unless the socket is down", () => {
    const t = setup();
    expect(t.sync.isStale(queryKeys.projects.list())).toBe(false);
    t.client.getQueryCache().build(t.client, { queryKey: queryKeys.worktrees.list() });
    expect(t.sync.isStale(queryKeys.worktrees.list())).toBe(false);
    t.sync.setConnected(false);
    expect(t.sync.isStale(queryKeys.projects.list())).toBe(true);
  });

  it("confirmed data overtaken by an event is stale until its refetch lands", async () => {
    const t = setup();
    t.observe();
    await settle();
    t.server.hold = true;
    t.server.seq = 1;
    t.sync.handleEvent({ type: "task.created", seq: 1, data: {} });
    expect(t.sync.isStale(queryKeys.tasks.list())).toBe(true);
    expect(t.sync.isAnyStale()).toBe(true);
    await t.later();
    t.server.held.splice(0).forEach((release) => release());
    await settle();
    expect(t.sync.isStale(queryKeys.tasks.list())).toBe(false);
    expect(t.sync.isAnyStale()).toBe(false);
  });

  it("isAnyStale looks only at shown live queries", async () => {
    const t = setup();
    const hidden = t.observe(queryKeys.agents.list());
    t.observe(queryKeys.tasks.list());
    await settle();
    hidden.unsubscribe();
    t.client.setQueryData(["plain"], { anything: true });
    t.sync.handleEvent({ type: "agent.started", seq: 1, data: {} });
    expect(t.sync.isStale(queryKeys.agents.list())).toBe(true);
    expect(t.sync.isAnyStale()).toBe(false);
  });

  it("a confirmation holds for one stretch of connectivity: a drop and return needs a new one", async () => {
    const t = setup();
    t.observe();
    await settle();
    t.sync.setConnected(true); // no change: the confirmation stands
    expect(t.sync.isStale(queryKeys.tasks.list())).toBe(false);
    t.sync.setConnected(false);
    t.sync.setConnected(true);
    expect(t.sync.isStale(queryKeys.tasks.list())).toBe(true);
    await t.sync.handleResumed();
    expect(t.sync.isStale(queryKeys.tasks.list())).toBe(false);
  });

  it("a resume that lands after the socket dropped again confirms nothing and drops nothing", async () => {
    const t = setup();
    const hidden = t.observe(queryKeys.agents.list());
    t.observe(queryKeys.tasks.list());
    await settle();
    hidden.unsubscribe();
    t.sync.setConnected(false);
    t.sync.setConnected(true);
    t.server.hold = true;
    t.server.seq = 2;
    t.sync.handleEvent({ type: "task.created", seq: 2, data: {} });
    const resumed = t.sync.handleResumed();
    await settle();
    t.sync.setConnected(false);
    t.server.held.splice(0).forEach((release) => release());
    await resumed;
    t.sync.setConnected(true);
    expect(t.sync.isStale(queryKeys.tasks.list())).toBe(true);
    expect(t.client.getQueryData(queryKeys.agents.list())).toBeDefined();
  });

  it("a resync refreshes plain queries, drops unshown live ones nobody confirmed, and keeps shown ones", async () => {
    const t = setup();
    let plainCalls = 0;
    const plain = new QueryObserver(t.client, { queryKey: ["plain"], queryFn: () => ++plainCalls });
    cleanups.push(plain.subscribe(() => undefined));
    const hidden = t.observe(queryKeys.agents.list());
    t.observe(queryKeys.tasks.list());
    await settle();
    hidden.unsubscribe();
    expect(plainCalls).toBe(1);
    expect(t.server.calls).toBe(2);
    t.server.seq = 4;
    await t.sync.handleResync({ reason: "gap_too_old", epoch: "ep", seq: 4 });
    await settle();
    expect(plainCalls).toBe(2);
    expect(t.client.getQueryData(queryKeys.agents.list())).toBeUndefined();
    expect(t.client.getQueryData<LiveList<number>>(queryKeys.tasks.list())?.seq).toBe(4);
    expect(t.server.calls).toBe(3);
  });

  it("a resync marks every family, and a removed query loses its confirmation", async () => {
    const t = setup();
    for (const key of [queryKeys.tasks.list(), queryKeys.projects.list(), queryKeys.worktrees.list()]) t.observe(key);
    await settle();
    t.server.seq = 3;
    const calls = t.server.calls;
    await t.sync.handleResync({ reason: "overflow", epoch: "ep", seq: 3 });
    expect(t.server.calls).toBe(calls + 3);
    t.client.removeQueries({ queryKey: queryKeys.tasks.list() });
    t.client.setQueryData(queryKeys.tasks.list(), { items: [], seq: 3, epoch: "ep" });
    expect(t.sync.isStale(queryKeys.tasks.list())).toBe(true);
  });

  it("notifies subscribers when staleness may have changed, until they unsubscribe", async () => {
    const t = setup();
    let calls = 0;
    const stop = t.sync.subscribe(() => {
      calls += 1;
    });
    t.sync.setConnected(false);
    expect(calls).toBe(1);
    t.sync.setConnected(false);
    expect(calls).toBe(1);
    stop();
    t.sync.setConnected(true);
    expect(calls).toBe(1);
  });

  it("an event flush waits out the window after the last flush, and a query already fetching is left alone", async () => {
    const t = setup();
    t.observe();
    await settle();
    t.server.seq = 1;
    t.sync.handleEvent({ type: "task.created", seq: 1, data: {} });
    await t.later(0);
    expect(t.server.calls).toBe(2);
    t.server.seq = 2;
    t.sync.handleEvent({ type: "task.created", seq: 2, data: {} });
    expect(t.clock.pendingDelays()).toEqual([250]);
    await t.later(249);
    expect(t.server.calls).toBe(2);
    await t.later(1);
    expect(t.server.calls).toBe(3);
    // A fetch in flight is re-checked when it lands, not cancelled or doubled.
    t.server.hold = true;
    t.server.seq = 3;
    t.sync.handleEvent({ type: "task.created", seq: 3, data: {} });
    await t.later();
    t.server.seq = 4;
    t.sync.handleEvent({ type: "task.created", seq: 4, data: {} });
    await t.later();
    expect(t.server.calls).toBe(4);
    expect(t.sync.invalidationCount).toBe(3);
  });
});

describe("keysForPattern", () => {
  it("covers every family for *, a family for its prefix, one transcript for a filtered exact name", () => {
    expect(keysForPattern("*")).toEqual([
      queryKeys.tasks.all,
      queryKeys.worktrees.all,
      queryKeys.agents.all,
      queryKeys.mcpServers.all,
      queryKeys.sessions.all,
      ["autonomous"],
      queryKeys.projects.all,
    ]);
    expect(keysForPattern("task.*")).toEqual([queryKeys.tasks.all]);
    expect(keysForPattern("project.created")).toEqual([queryKeys.projects.all]);
    expect(keysForPattern("session.message:session_id=s1")).toEqual([queryKeys.sessionMessages.list("s1"), queryKeys.sessions.all]);
    expect(keysForPattern("session.message")).toEqual([queryKeys.sessionMessages.all, queryKeys.sessions.all]);
    expect(keysForPattern("not a pattern")).toEqual([]);
  });
});
