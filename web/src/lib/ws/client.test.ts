import { describe, expect, it } from "vitest";
import { TidewireSocket, CLOSE_PING_TIMEOUT } from "./client";
import { backoffCap } from "./backoff";
import { FakeDaemon, ManualClock, socketFactory, eventFrame, type FakeSocket } from "./testkit";
import type { ClientEvents, EventFrame, TidewireSocketOptions } from "./types";

function setup(options: Partial<TidewireSocketOptions> = {}, daemonOptions = {}) {
  const clock = new ManualClock();
  const { Ctor, sockets } = socketFactory();
  const daemon = new FakeDaemon(daemonOptions);
  const logs: string[] = [];
  const client = new TidewireSocket({
    url: "ws://daemon.test/ws",
    WebSocket: Ctor,
    timers: clock,
    now: () => clock.now,
    random: () => 0.5,
    logger: (m) => logs.push(m),
    ...options,
  });
  const events: EventFrame[] = [];
  client.on("event", (e) => events.push(e));
  const resyncs: ClientEvents["resync"][] = [];
  client.on("resync", (r) => resyncs.push(r));
  const states: string[] = [];
  client.on("state", (s) => states.push(s));
  const latest = (): FakeSocket => {
    const s = sockets[sockets.length - 1];
    if (s === undefined) throw new Error("no socket yet");
    return s;
  };
  return { clock, sockets, daemon, client, events, resyncs, states, logs, latest };
}

describe("TidewireSocket", () => {
  it("connects, subscribes after welcome and reports connected", () => {
    const t = setup();
    t.client.subscribe(["task.*"]);
    expect(t.client.state).toBe("disconnected");
    t.client.start();
    expect(t.client.state).toBe("connecting");
    t.daemon.accept(t.latest());
    expect(t.client.state).toBe("connected");
    expect(t.latest().sent).toEqual([{ type: "subscribe", events: ["task.*"], id: expect.any(String) }]);
    t.daemon.emit("task.created");
    expect(t.events.map((e) => e.type)).toEqual(["task.created"]);
    expect(t.resyncs.map((r) => r.reason)).toEqual(["fresh"]);
  });

  it("ref-counts subscriptions: only first add and last remove reach the wire", () => {
    const t = setup();
    t.client.start();
    t.daemon.accept(t.latest());
    const sock = t.latest();
    t.client.subscribe(["task.*"]);
    t.client.subscribe(["task.*", "agent.*"]);
    t.client.unsubscribe(["task.*"]);
    expect(sock.sent.map((f) => [f.type, "events" in f ? f.events : null])).toEqual([
      ["subscribe", ["task.*"]],
      ["subscribe", ["agent.*"]],
    ]);
    t.client.unsubscribe(["task.*"]);
    expect(sock.sent.at(-1)).toMatchObject({ type: "unsubscribe", events: ["task.*"] });
    expect(t.client.activeSubscriptions).toEqual(["agent.*"]);
  });

  it("rejects invalid subscription names without touching the set", () => {
    const t = setup();
    expect(() => t.client.subscribe([""])).toThrow(TypeError);
    expect(() => t.client.subscribe(["x".repeat(513)])).toThrow(TypeError);
    expect(() => t.client.subscribe(["task.*", "not a pattern"])).toThrow(TypeError);
    expect(t.client.activeSubscriptions).toEqual([]);
  });

  it("drops frames that fail their guard, ignores unknown event types, keeps going", () => {
    const t = setup();
    t.client.subscribe(["*"]);
    t.client.start();
    t.daemon.accept(t.latest());
    const sock = t.latest();
    sock.serverSend("not json");
    sock.serverSend("[1,2]");
    sock.serverSend({ type: "task.created", seq: 5, ts: "yesterday", data: {} });
    sock.serverSend({ type: "welcome" });
    sock.serverSend({ type: "task.teleported", seq: 6, ts: "2026-11-26T06:05:00Z", data: {} });
    sock.serverSend({ type: "announcement", text: "from a newer daemon" });
    sock.serverSend({ seq: 7 });
    expect(t.events).toEqual([]);
    const invalid = t.client.getLog().filter((e) => e.kind === "invalid-frame");
    expect(invalid).toHaveLength(5);
    expect(t.logs).toHaveLength(5);
    t.daemon.emit("task.created");
    expect(t.events).toHaveLength(1);
    expect(t.client.state).toBe("connected");
  });

  it("drops duplicate and stale events", () => {
    const t = setup();
    t.client.subscribe(["task.*"]);
    t.client.start();
    t.daemon.accept(t.latest());
    const sock = t.latest();
    sock.serverSend(eventFrame("task.created", 3));
    sock.serverSend(eventFrame("task.created", 3));
    sock.serverSend(eventFrame("task.created", 2));
    sock.serverSend(eventFrame("task.created", 4));
    expect(t.events.map((e) => e.seq)).toEqual([3, 4]);
    expect(t.client.lastSeq).toBe(4);
  });

  it("queues frames while disconnected and flushes them in order after the handshake", () => {
    const t = setup({ queueMaxCount: 3 });
    expect(t.client.send({ type: "ping", id: "a" })).toBe("queued");
    t.client.send({ type: "ping", id: "b" });
    t.client.send({ type: "ping", id: "c" });
    t.client.send({ type: "ping", id: "d" });
    expect(t.client.getSnapshot().queued).toBe(3);
    t.client.start();
    const sock = t.latest();
    sock.serverOpen();
    expect(sock.sent).toEqual([]); // nothing before welcome
    t.daemon.accept(sock);
    expect(sock.sent.map((f) => ("id" in f ? f.id : null))).toEqual(["b", "c", "d"]);
    expect(t.client.getLog().some((e) => e.kind === "queue-dropped")).toBe(true);
    expect(t.client.send({ type: "ping", id: "e" })).toBe("sent");
  });

  it("drops queued frames older than the age bound", () => {
    const t = setup({ queueMaxAgeMs: 1_000 });
    t.client.send({ type: "ping", id: "old" });
    t.clock.advance(2_000);
    t.client.send({ type: "ping", id: "new" });
    t.client.start();
    t.daemon.accept(t.latest());
    expect(t.latest().sent.map((f) => ("id" in f ? f.id : null))).toEqual(["new"]);
  });

  it("rejects frames that are not valid client frames", () => {
    const t = setup();
    expect(() => t.client.send({ type: "subscribe", events: [] } as never)).toThrow(TypeError);
    expect(t.client.getSnapshot().queued).toBe(0);
  });

  it("reconnects with backoff, resumes after the last seq, then re-subscribes", () => {
    const t = setup();
    t.client.subscribe(["task.*", "worktree.*"]);
    t.client.start();
    t.daemon.accept(t.latest());
    t.daemon.emit("task.created");
    t.daemon.emit("worktree.created");
    t.daemon.dropAll();
    expect(t.client.state).toBe("reconnecting");
    // Missed while down:
    t.daemon.emit("task.updated");
    t.daemon.emit("mcp.tool_called");
    t.clock.runNext();
    const sock = t.latest();
    expect(t.sockets).toHaveLength(2);
    t.daemon.accept(sock);
    expect(sock.sent[0]).toMatchObject({ type: "resume", epoch: "ep_1", after_seq: 2 });
    expect(sock.sent[1]).toMatchObject({ type: "subscribe", events: ["task.*", "worktree.*"] });
    expect(t.events.map((e) => [e.type, e.seq])).toEqual([
      ["task.created", 1],
      ["worktree.created", 2],
      ["task.updated", 3],
    ]);
    expect(t.client.state).toBe("connected");
    expect(t.client.lastSeq).toBe(4); // resumed.to_seq moves the cursor past the unsubscribed event
    expect(t.resyncs.map((r) => r.reason)).toEqual(["fresh"]);
  });

  it("treats a new epoch as a full resync and resets the cursor", () => {
    const t = setup();
    t.client.subscribe(["task.*"]);
    t.client.start();
    t.daemon.accept(t.latest());
    t.daemon.emit("task.created");
    t.daemon.emit("task.created");
    t.daemon.dropAll();
    t.daemon.resetEpoch("ep_2");
    t.daemon.emit("task.created");
    t.clock.runNext();
    t.daemon.accept(t.latest());
    expect(t.latest().sent.map((f) => f.type)).toEqual(["subscribe"]);
    expect(t.resyncs.map((r) => r.reason)).toEqual(["fresh", "epoch_changed"]);
    expect(t.client.epoch).toBe("ep_2");
    t.daemon.emit("task.created");
    expect(t.events.map((e) => e.seq)).toEqual([1, 2, 2]);
  });

  it("passes the daemon's resync on (gap too old) and keeps delivering", () => {
    const t = setup({}, { retain: 2 });
    t.client.subscribe(["task.*"]);
    t.client.start();
    t.daemon.accept(t.latest());
    t.daemon.emit("task.created");
    t.daemon.dropAll();
    for (let i = 0; i < 5; i += 1) t.daemon.emit("task.created");
    t.clock.runNext();
    t.daemon.accept(t.latest());
    expect(t.resyncs.map((r) => r.reason)).toEqual(["fresh", "gap_too_old"]);
    expect(t.client.lastSeq).toBe(6);
    t.daemon.emit("task.created");
    expect(t.events.map((e) => e.seq)).toEqual([1, 7]);
  });

  it("turns invalid_resume into a resync from the daemon's head", () => {
    const t = setup({}, { autoDeliver: true });
    t.client.subscribe(["task.*"]);
    t.client.start();
    const first = t.latest();
    t.daemon.accept(first);
    first.serverSend(eventFrame("task.created", 9)); // a seq this daemon never had
    t.daemon.dropAll();
    t.clock.runNext();
    const second = t.latest();
    // The same-epoch daemon is behind the client: resume is skipped, a resync is raised instead.
    t.daemon.accept(second);
    expect(second.sent.map((f) => f.type)).toEqual(["subscribe"]);
    expect(t.resyncs.map((r) => r.reason)).toEqual(["fresh", "gap_too_old"]);
    expect(t.client.lastSeq).toBe(0);
  });

  it("an invalid_resume reply becomes a resync from the daemon's head", () => {
    const t = setup();
    t.client.subscribe(["task.*"]);
    t.client.start();
    const welcome = { type: "welcome", protocol: "tidewire.v1", server_id: "s", epoch: "e", seq: 10, heartbeat_ms: 1 };
    const first = t.latest();
    first.serverOpen();
    first.serverSend(welcome);
    first.serverSend(eventFrame("task.created", 11));
    first.serverClose();
    t.clock.runNext();
    const second = t.latest();
    second.serverOpen();
    second.serverSend({ ...welcome, seq: 12 });
    const resume = second.sent[0];
    expect(resume).toMatchObject({ type: "resume", epoch: "e", after_seq: 11 });
    second.serverSend({ type: "error", code: "invalid_resume", message: "no", id: (resume as { id: string }).id });
    expect(t.resyncs.map((r) => r.reason)).toEqual(["fresh", "gap_too_old"]);
    expect(t.client.lastSeq).toBe(12);
    expect(t.client.state).toBe("connected");
  });

  it("backoff delays stay within the cap, grow, and reset only after a stable connection", () => {
    const t = setup({ random: () => 0.999, backoff: { initialMs: 100, maxMs: 1_000, factor: 2 }, stableAfterMs: 5_000 });
    t.client.start();
    const delays: number[] = [];
    for (let i = 0; i < 6; i += 1) {
      t.latest().serverClose(1006);
      const snap = t.client.getSnapshot();
      delays.push((snap.nextRetryAt ?? 0) - t.clock.now);
      t.clock.runNext();
    }
    expect(delays).toEqual([99, 199, 399, 799, 999, 999]);
    // Up briefly: the attempt counter keeps growing.
    t.daemon.accept(t.latest());
    t.clock.advance(1_000);
    t.daemon.dropAll();
    expect(t.client.getSnapshot().attempt).toBe(7);
    t.clock.runNext();
    t.daemon.accept(t.latest());
    t.clock.advance(5_000);
    expect(t.client.getSnapshot().attempt).toBe(0);
    t.daemon.dropAll();
    expect((t.client.getSnapshot().nextRetryAt ?? 0) - t.clock.now).toBeLessThanOrEqual(backoffCap(0, { initialMs: 100, maxMs: 1_000, factor: 2 }));
  });

  it("pings on its interval, measures latency from pongs, and drops a silent socket", () => {
    const t = setup({ pingIntervalMs: 30_000, pongTimeoutMs: 5_000, maxMissedPongs: 2 });
    t.client.start();
    const first = t.latest();
    const conn = t.daemon.accept(first);
    t.daemon.autoDeliver = false;
    expect(t.client.getSnapshot().quality).toBe("unknown");
    // The first ping goes out soon after welcome, so the quality is known at once.
    t.clock.advance(1_000);
    const ping = t.latest().sent.at(-1);
    expect(ping).toMatchObject({ type: "ping" });
    t.clock.advance(40);
    t.daemon.deliver(conn);
    expect(t.client.getSnapshot().latencyMs).toBe(40);
    expect(t.client.getSnapshot().quality).toBe("good");
    // Two pings without an answer: the socket is given up and a reconnect scheduled.
    t.clock.advance(30_000);
    t.clock.advance(5_000);
    expect(t.client.getSnapshot().quality).toBe("poor");
    t.clock.advance(30_000);
    t.clock.advance(5_000);
    expect(first.closedWith?.code).toBe(CLOSE_PING_TIMEOUT);
    expect(first.attached).toBe(false);
    expect(t.client.state).toBe("reconnecting");
    expect(t.client.getSnapshot().quality).toBe("down");
    expect(t.client.getLog().filter((e) => e.kind === "ping-timeout")).toHaveLength(2);
  });

  it("follows the daemon's heartbeat and drops a silent socket within heartbeat + pong timeout", () => {
    const t = setup({}, { heartbeatMs: 4_000 });
    t.client.start();
    const first = t.latest();
    t.daemon.accept(first);
    t.clock.advance(1_000); // first ping, answered at once
    expect(t.client.getSnapshot().quality).toBe("good");
    // The daemon freezes right after answering: the next ping is due one heartbeat later.
    t.daemon.autoDeliver = false;
    t.clock.advance(4_000);
    expect(first.sent.filter((f) => f.type === "ping")).toHaveLength(2);
    expect(t.client.getSnapshot().quality).toBe("good");
    // Overdue after 1 s: poor at once, and the stale round trip is no longer reported as good.
    t.clock.advance(999);
    expect(t.client.getSnapshot().quality).toBe("good");
    t.clock.advance(1);
    expect(t.client.getSnapshot().quality).toBe("poor");
    expect(t.client.state).toBe("connected");
    // Unanswered after the pong timeout (5 s): dropped and reconnected.
    t.clock.advance(3_999);
    expect(t.client.state).toBe("connected");
    t.clock.advance(1);
    expect(first.closedWith?.code).toBe(CLOSE_PING_TIMEOUT);
    expect(t.client.state).toBe("reconnecting");
    expect(t.client.getSnapshot().quality).toBe("down");
  });

  it("a late pong clears the overdue mark", () => {
    const t = setup({ pingIntervalMs: 10_000 });
    t.client.start();
    const conn = t.daemon.accept(t.latest());
    t.daemon.autoDeliver = false;
    t.clock.advance(1_000);
    t.clock.advance(1_500);
    expect(t.client.getSnapshot().quality).toBe("poor");
    t.daemon.deliver(conn);
    expect(t.client.getSnapshot().quality).toBe("poor"); // a 1.5 s round trip is poor on its own
    expect(t.client.state).toBe("connected");
    t.daemon.autoDeliver = true;
    for (let i = 0; i < 5; i++) t.clock.advance(10_000);
    expect(t.client.getSnapshot().quality).toBe("good");
  });

  it("gives up a socket that never completes the handshake", () => {
    const t = setup({ connectTimeoutMs: 2_000 });
    t.client.start();
    t.latest().serverOpen();
    t.clock.advance(2_000);
    expect(t.client.state).toBe("reconnecting");
    expect(t.latest().closedWith).not.toBeNull();
  });

  it("retries after a handshake error even when no close event follows", () => {
    const t = setup();
    t.client.start();
    const refused = t.latest();
    refused.onerror?.({});
    expect(t.client.state).toBe("reconnecting");
    expect(refused.attached).toBe(false);
    t.clock.runNext();
    expect(t.sockets).toHaveLength(2);
    // A close that does follow (as browsers send it) is not a second failure.
    refused.serverClose(1006);
    expect(t.client.getSnapshot().attempt).toBe(1);
  });

  it("stops retrying after a policy close (bad token)", () => {
    const t = setup();
    t.client.start();
    t.latest().serverClose(1008, "bad token");
    expect(t.client.state).toBe("disconnected");
    expect(t.clock.pending).toBe(0);
  });

  it("stop() closes the socket, cancels timers and ignores late callbacks", () => {
    const t = setup();
    t.client.subscribe(["task.*"]);
    t.client.start();
    t.daemon.accept(t.latest());
    const sock = t.latest();
    t.client.stop();
    expect(t.client.state).toBe("disconnected");
    expect(sock.closedWith?.code).toBe(1000);
    expect(sock.attached).toBe(false);
    expect(t.clock.pending).toBe(0);
    sock.serverSend(eventFrame("task.created", 1));
    expect(t.events).toEqual([]);
  });

  it("keeps a bounded connection log", () => {
    const t = setup({ logSize: 5 });
    t.client.start();
    for (let i = 0; i < 10; i += 1) {
      t.latest().serverClose();
      t.clock.runNext();
    }
    expect(t.client.getLog()).toHaveLength(5);
  });

  it("a throwing listener does not break delivery to others", () => {
    const t = setup();
    t.client.on("event", () => {
      throw new Error("boom");
    });
    t.client.subscribe(["task.*"]);
    t.client.start();
    t.daemon.accept(t.latest());
    t.daemon.emit("task.created");
    expect(t.events).toHaveLength(1);
  });

  it("redacts the token in the log", () => {
    const t = setup({ url: "ws://h/ws?token=s3cret" });
    t.client.start();
    expect(JSON.stringify(t.client.getLog())).not.toContain("s3cret");
  });

  it("chunks a large active set into frames the daemon accepts", () => {
    const t = setup();
    const names = Array.from({ length: 300 }, (_, i) => `session.message:session_id=s${i}`);
    t.client.subscribe(names);
    t.client.start();
    t.daemon.accept(t.latest());
    const subs = t.latest().sent.filter((f) => f.type === "subscribe");
    expect(subs.map((f) => ("events" in f ? f.events.length : 0))).toEqual([256, 44]);
  });
});
