/**
 * Model-based tests of TidewireSocket: random sequences of client calls, daemon
 * events, drops, refusals, restarts and clock jumps, with every daemon frame
 * delivered at a moment chosen by fc.scheduler (frames of one socket keep their
 * order, as TCP does). After each step the client is compared with a model of
 * what the contract says it must have done.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { backoffCap, type BackoffOptions } from "./backoff";
import { TidewireSocket } from "./client";
import type { ClientFrame, ServerFrame } from "./generated";
import {
  FakeDaemon,
  ManualClock,
  socketFactory,
  SIMPLE_EVENT_TYPES,
  type Connection,
  type FakeSocket,
  type SimpleEventType,
} from "./testkit";

const BACKOFF: BackoffOptions = { initialMs: 100, maxMs: 2_000, factor: 2 };
const STABLE_MS = 4_000;
const QUEUE_MAX = 3;
const QUEUE_AGE_MS = 2_000;
const NAME_POOL = ["task.*", "worktree.*", "mcp.*", "mcp.tool_called", "session.message:session_id=s1", "*"];

class Harness {
  readonly clock = new ManualClock();
  readonly daemon = new FakeDaemon({ autoDeliver: false });
  readonly factory = socketFactory();
  readonly client: TidewireSocket;
  readonly violations: string[] = [];
  readonly emitted: { epoch: string | null; seq: number }[] = [];

  // The model.
  readonly active = new Map<string, number>();
  queue: { id: string; at: number }[] = [];
  readonly userSends: string[] = [];
  readonly userDelivered: string[] = [];
  lastSeen: number | null = null;
  epoch: string | null = null;
  attempt = 0;
  welcomedAt: number | null = null;
  live: FakeSocket | null = null;
  #nextUser = 1;

  constructor(
    readonly scheduler: fc.Scheduler,
    random: () => number,
  ) {
    this.client = new TidewireSocket({
      url: "ws://daemon.test/ws",
      WebSocket: this.factory.Ctor,
      timers: this.clock,
      now: () => this.clock.now,
      random,
      backoff: BACKOFF,
      stableAfterMs: STABLE_MS,
      pingIntervalMs: 1e12,
      firstPingAfterMs: 1e12,
      connectTimeoutMs: 1e12,
      queueMaxCount: QUEUE_MAX,
      queueMaxAgeMs: QUEUE_AGE_MS,
      logger: () => undefined,
    });
    this.client.on("event", (e) => this.emitted.push({ epoch: this.client.epoch, seq: e.seq }));
    this.daemon.onQueued = (conn) => {
      void this.scheduler.schedule(Promise.resolve(conn), "deliver").then((c) => this.deliverOne(c));
    };
    this.client.start();
  }

  fail(message: string): void {
    this.violations.push(message);
  }

  get latest(): FakeSocket | undefined {
    return this.factory.sockets[this.factory.sockets.length - 1];
  }

  activeNames(): string[] {
    return [...this.active.keys()];
  }

  // --------------------------------------------------------------- delivery

  deliverOne(conn: Connection): void {
    const frame = conn.outbox[0];
    if (frame === undefined) return;
    if (conn.socket.readyState !== 1 || !conn.socket.attached) {
      conn.outbox.shift();
      return;
    }
    const before = conn.socket.sent.length;
    const expectation = this.#expect(frame);
    this.daemon.deliver(conn, 1);
    const sent = conn.socket.sent.slice(before);
    expectation(sent);
    if (this.client.lastSeq !== this.lastSeen) {
      this.fail(`lastSeq ${this.client.lastSeq} != model ${this.lastSeen} after ${frame.type}`);
    }
  }

  /** Updates the model for a frame about to be delivered; returns the check of what the client sent in reaction. */
  #expect(frame: ServerFrame): (sent: ClientFrame[]) => void {
    switch (frame.type) {
      case "welcome": {
        const resume = this.epoch === frame.epoch && this.lastSeen !== null && this.lastSeen <= frame.seq;
        const afterSeq = this.lastSeen;
        if (!resume) {
          this.epoch = frame.epoch;
          this.lastSeen = frame.seq;
        }
        const now = this.clock.now;
        const flushed = this.queue.filter((q) => now - q.at <= QUEUE_AGE_MS).map((q) => q.id);
        this.queue = [];
        const active = this.activeNames();
        this.welcomedAt = now;
        return (sent) => {
          const rest = [...sent];
          if (resume) {
            const first = rest.shift();
            if (first?.type !== "resume" || first.after_seq !== afterSeq || first.epoch !== frame.epoch) {
              this.fail(`expected resume after ${afterSeq}, got ${JSON.stringify(first)}`);
            }
          }
          const subs: string[] = [];
          while (rest[0]?.type === "subscribe") subs.push(...(rest.shift() as { events: string[] }).events);
          if (JSON.stringify(subs) !== JSON.stringify(active)) {
            this.fail(`re-subscribed ${JSON.stringify(subs)}, active set is ${JSON.stringify(active)}`);
          }
          const users = rest.map((f) => ("id" in f ? String(f.id) : f.type));
          if (JSON.stringify(users) !== JSON.stringify(flushed)) {
            this.fail(`flushed ${JSON.stringify(users)}, expected ${JSON.stringify(flushed)}`);
          }
          this.userDelivered.push(...users);
          this.live = this.latest ?? null;
        };
      }
      case "resumed":
        if (this.lastSeen === null || frame.to_seq > this.lastSeen) this.lastSeen = frame.to_seq;
        return () => undefined;
      case "resync":
        if (frame.epoch !== undefined && frame.epoch !== this.epoch) {
          this.epoch = frame.epoch;
          this.lastSeen = frame.seq ?? 0;
        } else if (frame.seq !== undefined) {
          this.lastSeen = Math.max(this.lastSeen ?? 0, frame.seq);
        }
        return () => undefined;
      case "subscribed":
      case "unsubscribed":
      case "pong":
      case "error":
        return () => undefined;
      default: {
        const count = this.emitted.length;
        const fresh = this.lastSeen === null || frame.seq > this.lastSeen;
        if (fresh) this.lastSeen = frame.seq;
        return () => {
          const delivered = this.emitted.length - count;
          if (delivered !== (fresh ? 1 : 0)) this.fail(`event seq ${frame.seq}: emitted ${delivered}, fresh=${fresh}`);
        };
      }
    }
  }

  // ---------------------------------------------------------------- actions

  subscribe(names: string[]): void {
    const unique = [...new Set(names)];
    const added = unique.filter((n) => !this.active.has(n));
    for (const n of unique) this.active.set(n, (this.active.get(n) ?? 0) + 1);
    this.#checkWire(() => this.client.subscribe(names), added, "subscribe");
  }

  unsubscribe(names: string[]): void {
    const unique = [...new Set(names)];
    const removed: string[] = [];
    for (const n of unique) {
      const c = this.active.get(n);
      if (c === undefined) continue;
      if (c <= 1) {
        this.active.delete(n);
        removed.push(n);
      } else {
        this.active.set(n, c - 1);
      }
    }
    this.#checkWire(() => this.client.unsubscribe(names), removed, "unsubscribe");
  }

  #checkWire(action: () => void, changed: string[], type: "subscribe" | "unsubscribe"): void {
    const sock = this.live;
    const before = sock?.sent.length ?? 0;
    action();
    const sent = sock === null ? [] : sock.sent.slice(before);
    const expected = sock !== null && changed.length > 0 ? [{ type, events: changed }] : [];
    const got = sent.map((f) => ({ type: f.type, events: "events" in f ? f.events : [] }));
    if (JSON.stringify(got) !== JSON.stringify(expected)) {
      this.fail(`${type}: sent ${JSON.stringify(got)}, expected ${JSON.stringify(expected)}`);
    }
  }

  userSend(): void {
    const id = `u${this.#nextUser++}`;
    this.userSends.push(id);
    const result = this.client.send({ type: "ping", id });
    if (this.live !== null) {
      if (result !== "sent") this.fail(`send while connected was ${result}`);
      this.userDelivered.push(id);
    } else {
      if (result !== "queued") this.fail(`send while not connected was ${result}`);
      this.queue.push({ id, at: this.clock.now });
      if (this.queue.length > QUEUE_MAX) this.queue.shift();
    }
    if (this.client.getSnapshot().queued > QUEUE_MAX) this.fail("queue above its bound");
  }

  accept(): void {
    const sock = this.latest;
    if (sock === undefined || !sock.attached || sock.readyState !== 0) return;
    this.daemon.accept(sock);
  }

  /** The connection goes away (daemon stop, network loss) or an attempt is refused. */
  drop(refuseOnly: boolean): void {
    const sock = this.latest;
    if (sock === undefined || !sock.attached) return;
    if (refuseOnly && sock.readyState !== 0) return;
    const stableReached = this.welcomedAt !== null && this.live !== null && this.clock.now - this.welcomedAt >= STABLE_MS;
    const prior = stableReached ? 0 : this.attempt;
    const conn = this.daemon.connectionOf(sock);
    if (conn !== undefined) this.daemon.connections.splice(this.daemon.connections.indexOf(conn), 1);
    sock.serverClose(1006);
    this.live = null;
    this.welcomedAt = null;
    const snap = this.client.getSnapshot();
    if (snap.state !== "reconnecting") this.fail(`state after drop: ${snap.state}`);
    if (snap.attempt !== prior + 1) this.fail(`attempt ${snap.attempt}, expected ${prior + 1}`);
    const delay = (snap.nextRetryAt ?? Number.NaN) - this.clock.now;
    const cap = backoffCap(prior, BACKOFF);
    if (!(delay >= 0 && delay <= cap)) this.fail(`retry delay ${delay} outside [0, ${cap}]`);
    if (prior > 0 && cap < backoffCap(prior - 1, BACKOFF)) this.fail("backoff cap shrank");
    this.attempt = prior + 1;
  }

  restart(newEpoch: boolean, eventsWhileDown: SimpleEventType[]): void {
    if (this.live !== null) this.drop(false);
    if (newEpoch) this.daemon.resetEpoch(`ep_${this.daemon.epoch}x`);
    for (const t of eventsWhileDown) this.daemon.emit(t);
  }

  advance(ms: number): void {
    const liveBefore = this.live;
    if (liveBefore !== null && this.welcomedAt !== null && this.clock.now + ms - this.welcomedAt >= STABLE_MS) {
      this.attempt = 0;
    }
    this.clock.advance(ms);
  }

  /** A misbehaving peer: a repeated old event, or garbage. */
  misbehave(kind: "duplicate" | "garbage" | "unknown-type"): void {
    const sock = this.live;
    if (sock === null) return;
    const before = this.emitted.length;
    if (kind === "duplicate") {
      const old = this.daemon.log.find((e) => this.lastSeen !== null && e.seq <= this.lastSeen);
      if (old === undefined) return;
      sock.serverSend(old);
    } else if (kind === "garbage") {
      sock.serverSend("{not json");
    } else {
      sock.serverSend({ type: "task.unheard_of", seq: 1e9, ts: "2026-11-26T06:05:00Z", data: {} });
    }
    if (this.emitted.length !== before) this.fail(`${kind} frame was emitted`);
    if (this.client.lastSeq !== this.lastSeen) this.fail(`${kind} frame moved lastSeq`);
  }

  checkSteadyState(): void {
    const snap = this.client.getSnapshot();
    const connected = this.live !== null;
    if ((snap.state === "connected") !== connected) this.fail(`state ${snap.state} but model live=${connected}`);
    if (JSON.stringify(this.client.activeSubscriptions) !== JSON.stringify(this.activeNames())) {
      this.fail("active set differs from model");
    }
    if (connected && this.live !== null) {
      const conn = this.daemon.connectionOf(this.live);
      const daemonSubs = conn === undefined ? [] : [...conn.subs].sort();
      const ours = this.activeNames().sort();
      if (JSON.stringify(daemonSubs) !== JSON.stringify(ours)) {
        this.fail(`daemon holds ${JSON.stringify(daemonSubs)}, client wants ${JSON.stringify(ours)}`);
      }
    }
    // Events are emitted at most once and in increasing seq per epoch.
    const seen = new Map<string | null, number>();
    for (const e of this.emitted) {
      const last = seen.get(e.epoch);
      if (last !== undefined && e.seq <= last) {
        this.fail(`event seq ${e.seq} emitted after ${last} in epoch ${e.epoch}`);
        break;
      }
      seen.set(e.epoch, e.seq);
    }
    // Every user frame reached the wire at most once, in the order it was sent.
    const order = new Map(this.userSends.map((id, i) => [id, i]));
    let prev = -1;
    const dup = new Set<string>();
    for (const id of this.userDelivered) {
      const i = order.get(id) ?? -1;
      if (i <= prev || dup.has(id)) this.fail(`user frame ${id} out of order or repeated`);
      dup.add(id);
      prev = i;
    }
    const onWire = this.factory.sockets.flatMap((s) => s.sent.filter((f) => f.type === "ping").map((f) => String(f.id)));
    if (JSON.stringify(onWire) !== JSON.stringify(this.userDelivered)) {
      this.fail(`frames on the wire ${JSON.stringify(onWire)} != delivered ${JSON.stringify(this.userDelivered)}`);
    }
  }
}

type Cmd = fc.AsyncCommand<object, Harness>;

function cmd(name: string, run: (h: Harness) => void): Cmd {
  return {
    check: () => true,
    run: async (_m, h) => {
      run(h);
      h.checkSteadyState();
      if (h.violations.length > 0) throw new Error(`${name}: ${h.violations.join("; ")}`);
    },
    toString: () => name,
  };
}

const names = fc.subarray(NAME_POOL, { minLength: 1, maxLength: 3 });
const eventType = fc.constantFrom(...SIMPLE_EVENT_TYPES);

const commands = [
  names.map((n) => cmd(`subscribe(${n})`, (h) => h.subscribe(n))),
  names.map((n) => cmd(`unsubscribe(${n})`, (h) => h.unsubscribe(n))),
  fc.constant(cmd("send", (h) => h.userSend())),
  fc.constant(cmd("send", (h) => h.userSend())),
  fc.constant(cmd("accept", (h) => h.accept())),
  fc.constant(cmd("drop", (h) => h.drop(false))),
  fc.constant(cmd("refuse", (h) => h.drop(true))),
  eventType.map((t) => cmd(`emit(${t})`, (h) => h.daemon.emit(t))),
  fc
    .tuple(fc.boolean(), fc.array(eventType, { maxLength: 4 }))
    .map(([e, ts]) => cmd(`restart(newEpoch=${e}, ${ts})`, (h) => h.restart(e, ts))),
  fc.integer({ min: 0, max: 3_000 }).map((ms) => cmd(`advance(${ms})`, (h) => h.advance(ms))),
  fc
    .constantFrom("duplicate" as const, "garbage" as const, "unknown-type" as const)
    .map((k) => cmd(`misbehave(${k})`, (h) => h.misbehave(k))),
];

describe("TidewireSocket (model-based)", () => {
  it("keeps the wire contract under any interleaving of frames, drops and client calls", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.scheduler(),
        fc.commands(commands, { maxCommands: 80, size: "medium" }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        async (s, cmds, r) => {
          let h: Harness | undefined;
          await fc.scheduledModelRun(
            s,
            () => {
              h = new Harness(s, () => r);
              return { model: {}, real: h };
            },
            cmds,
          );
          await s.waitAll();
          if (h === undefined) throw new Error("no harness");
          h.checkSteadyState();
          expect(h.violations).toEqual([]);
        },
      ),
      { numRuns: 150 },
    );
  });

  it("after any outage the resumed connection delivers every missed subscribed event exactly once", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.scheduler(),
        fc.array(fc.tuple(eventType, fc.boolean(), fc.boolean()), { minLength: 1, maxLength: 40 }),
        async (s, script) => {
          const h = new Harness(s, () => 0.5);
          h.subscribe(["*", "mcp.tool_called", "session.message:session_id=s1"]);
          h.accept();
          await s.waitAll();
          for (const [type, dropBefore, acceptAfter] of script) {
            if (dropBefore) h.drop(false);
            h.daemon.emit(type);
            if (acceptAfter) {
              h.advance(3_000);
              h.accept();
            }
            await s.waitAll();
          }
          h.advance(3_000);
          h.accept();
          await s.waitAll();
          expect(h.violations).toEqual([]);
          // Everything is subscribed and the epoch never changed: nothing may be missing.
          expect(h.emitted.map((e) => e.seq)).toEqual(h.daemon.log.map((e) => e.seq));
        },
      ),
      { numRuns: 100 },
    );
  });
});
