/**
 * Test doubles for the socket client: a manual clock implementing Timers, a
 * scripted WebSocket, and a small in-memory daemon that follows the wire
 * contract (welcome, cursor per connection, subscribe / resume / ping, resync).
 * Used by the client's unit and model-based tests and by the hook tests.
 */
import type { ClientFrame, ServerFrame, Task } from "./generated";
import { matchesAny, parsePattern } from "./patterns";
import type { EventFrame, SocketLike, Timers } from "./types";
import { HIGH_VOLUME_EVENTS } from "./generated";

const HIGH_VOLUME: ReadonlySet<string> = new Set<string>(HIGH_VOLUME_EVENTS);

// ------------------------------------------------------------------ clock

interface PendingTimer {
  readonly id: number;
  readonly at: number;
  readonly fn: () => void;
}

export class ManualClock implements Timers {
  now = 1_700_000_000_000;
  #nextId = 1;
  #timers: PendingTimer[] = [];

  setTimeout = (fn: () => void, ms: number): number => {
    const id = this.#nextId++;
    this.#timers.push({ id, at: this.now + Math.max(0, ms), fn });
    return id;
  };

  clearTimeout = (handle: unknown): void => {
    this.#timers = this.#timers.filter((t) => t.id !== handle);
  };

  get pending(): number {
    return this.#timers.length;
  }

  /** Delays of pending timers from now, soonest first. */
  pendingDelays(): number[] {
    return this.#timers.map((t) => t.at - this.now).sort((a, b) => a - b);
  }

  /** Moves time forward, running every timer that falls due, in due order. */
  advance(ms: number): void {
    const end = this.now + ms;
    for (;;) {
      const due = this.#timers.filter((t) => t.at <= end).sort((a, b) => a.at - b.at || a.id - b.id)[0];
      if (due === undefined) break;
      this.#timers = this.#timers.filter((t) => t !== due);
      this.now = Math.max(this.now, due.at);
      due.fn();
    }
    this.now = end;
  }

  /** Runs the next timer, whenever it is due. Returns false when none is pending. */
  runNext(): boolean {
    const next = [...this.#timers].sort((a, b) => a.at - b.at || a.id - b.id)[0];
    if (next === undefined) return false;
    this.advance(next.at - this.now);
    return true;
  }
}

// ----------------------------------------------------------------- socket

export class FakeSocket implements SocketLike {
  readyState = 0;
  readonly sent: ClientFrame[] = [];
  closedWith: { code?: number; reason?: string } | null = null;
  onopen: ((ev: unknown) => void) | null = null;
  onclose: ((ev: { code: number; reason: string; wasClean?: boolean }) => void) | null = null;
  onerror: ((ev: unknown) => void) | null = null;
  onmessage: ((ev: { data: unknown }) => void) | null = null;
  /** Called with every frame the client sends (after it is recorded). */
  onClientFrame: ((frame: ClientFrame) => void) | null = null;

  constructor(readonly url: string) {}

  send(data: string): void {
    if (this.readyState !== 1) throw new Error("InvalidStateError: socket not open");
    const frame = JSON.parse(data) as ClientFrame;
    this.sent.push(frame);
    this.onClientFrame?.(frame);
  }

  close(code?: number, reason?: string): void {
    this.closedWith = { code, reason };
    this.readyState = 3;
  }

  // Server side of the script.
  serverOpen(): void {
    this.readyState = 1;
    this.onopen?.({});
  }

  serverSend(frame: unknown): void {
    this.onmessage?.({ data: typeof frame === "string" ? frame : JSON.stringify(frame) });
  }

  serverClose(code = 1006, reason = ""): void {
    this.readyState = 3;
    this.onclose?.({ code, reason, wasClean: code === 1000 });
  }

  /** True while the client still listens to this socket. */
  get attached(): boolean {
    return this.onmessage !== null;
  }
}

/** A WebSocket constructor recording every socket it creates. */
export function socketFactory(): { Ctor: new (url: string) => FakeSocket; sockets: FakeSocket[] } {
  const sockets: FakeSocket[] = [];
  class Recorded extends FakeSocket {
    constructor(url: string) {
      super(url);
      sockets.push(this);
    }
  }
  return { Ctor: Recorded, sockets };
}

// ----------------------------------------------------------------- frames

export const TS = "2026-11-26T06:05:00Z";

export function task(id: string, overrides: Partial<Task> = {}): Task {
  return {
    id,
    project_id: "prj_1",
    title: `Task ${id}`,
    description: "",
    status: "open",
    priority: 2,
    labels: [],
    parent_id: null,
    created_at: TS,
    updated_at: TS,
    closed_at: null,
    closed_reason: null,
    ...overrides,
  };
}

export type SimpleEventType =
  | "task.created"
  | "task.updated"
  | "task.closed"
  | "worktree.created"
  | "mcp.tool_called"
  | "mcp.server_disconnected"
  | "session.message";

export const SIMPLE_EVENT_TYPES: readonly SimpleEventType[] = [
  "task.created",
  "task.updated",
  "task.closed",
  "worktree.created",
  "mcp.tool_called",
  "mcp.server_disconnected",
  "session.message",
];

/** A schema-valid event frame of the given type. */
export function eventFrame(type: SimpleEventType, seq: number, extra: { id?: string; index?: number } = {}): EventFrame {
  const id = extra.id ?? `t${seq}`;
  switch (type) {
    case "task.created":
    case "task.closed":
      return { type, seq, ts: TS, data: { task_id: id, project_id: "prj_1", task: task(id) } } as EventFrame;
    case "task.updated":
      return {
        type,
        seq,
        ts: TS,
        data: { task_id: id, project_id: "prj_1", task: task(id, { status: "in_progress" }), changed: ["status"] },
      } as EventFrame;
    case "worktree.created":
      return {
        type,
        seq,
        ts: TS,
        data: {
          worktree_id: `w${seq}`,
          project_id: "prj_1",
          worktree: {
            id: `w${seq}`,
            project_id: "prj_1",
            task_id: null,
            branch: `b${seq}`,
            base_branch: "main",
            path: `/tmp/w${seq}`,
            status: "active",
            owner: null,
            created_at: TS,
            updated_at: TS,
          },
        },
      } as EventFrame;
    case "mcp.tool_called":
      return { type, seq, ts: TS, data: { server_name: "fs", tool_name: "read", duration_ms: 3, ok: true } } as EventFrame;
    case "mcp.server_disconnected":
      return { type, seq, ts: TS, data: { server_name: "fs", reason: "gone" } } as EventFrame;
    case "session.message":
      return {
        type,
        seq,
        ts: TS,
        data: { session_id: extra.id ?? "s1", index: extra.index ?? 0, role: "user", content: [] },
      } as EventFrame;
  }
}

// ----------------------------------------------------------------- daemon

export interface Connection {
  readonly socket: FakeSocket;
  readonly subs: Set<string>;
  cursor: number;
  started: boolean;
  resumeTo: { after: number; to: number; id: string | number | undefined; replayed: number } | null;
  readonly outbox: ServerFrame[];
}

export interface FakeDaemonOptions {
  readonly epoch?: string;
  /** How many events the log keeps for resume. */
  readonly retain?: number;
  /** Deliver frames as soon as they are produced (default) or only on deliver(). */
  readonly autoDeliver?: boolean;
  /** The welcome's `heartbeat_ms` (default 30 s). */
  readonly heartbeatMs?: number;
}

/**
 * A daemon stand-in with the contract's semantics: per-connection cursor that
 * starts at welcome.seq and moves on first subscribe; resume rewinds it (or
 * answers resync / error); each connection gets increasing seqs, each once.
 */
export class FakeDaemon {
  epoch: string;
  readonly log: EventFrame[] = [];
  readonly retain: number;
  readonly heartbeatMs: number;
  autoDeliver: boolean;
  readonly connections: Connection[] = [];
  serverId = "srv_test";
  /** With autoDeliver off: told whenever a frame waits in a connection's outbox. */
  onQueued: ((conn: Connection) => void) | null = null;

  constructor(options: FakeDaemonOptions = {}) {
    this.epoch = options.epoch ?? "ep_1";
    this.retain = options.retain ?? 1_000;
    this.autoDeliver = options.autoDeliver ?? true;
    this.heartbeatMs = options.heartbeatMs ?? 30_000;
  }

  get head(): number {
    return this.log.length === 0 ? this.#base : (this.log[this.log.length - 1] as EventFrame).seq;
  }

  #base = 0;

  get oldestSeq(): number {
    const first = this.log[Math.max(0, this.log.length - this.retain)];
    return first === undefined ? this.head + 1 : first.seq;
  }

  /** Accepts a socket the client just created: opens it and sends welcome. */
  accept(socket: FakeSocket): Connection {
    const conn: Connection = { socket, subs: new Set(), cursor: this.head, started: false, resumeTo: null, outbox: [] };
    this.connections.push(conn);
    socket.onClientFrame = (frame) => this.#onFrame(conn, frame);
    socket.serverOpen();
    this.#push(conn, {
      type: "welcome",
      protocol: "tidewire.v1",
      server_id: this.serverId,
      epoch: this.epoch,
      seq: this.head,
      heartbeat_ms: this.heartbeatMs,
      oldest_seq: this.oldestSeq,
    });
    return conn;
  }

  /** Appends an event to the log and hands it to every matching connection. */
  emit(type: SimpleEventType, extra: { id?: string; index?: number } = {}): EventFrame {
    const frame = eventFrame(type, this.head + 1, extra);
    this.log.push(frame);
    for (const conn of this.connections) this.#pump(conn);
    return frame;
  }

  /** Appends an event with a caller-built payload (must be schema-valid for its type). */
  emitData(type: EventFrame["type"], data: unknown): EventFrame {
    const frame = { type, seq: this.head + 1, ts: TS, data } as EventFrame;
    this.log.push(frame);
    for (const conn of this.connections) this.#pump(conn);
    return frame;
  }

  /** A restart with a fresh database: new epoch, seq starts over. */
  resetEpoch(epoch: string): void {
    this.epoch = epoch;
    this.log.length = 0;
    this.#base = 0;
  }

  /** Delivers pending frames of one connection (or all), in order. Returns how many. */
  deliver(conn?: Connection, max = Number.POSITIVE_INFINITY): number {
    let n = 0;
    for (const c of conn === undefined ? this.connections : [conn]) {
      while (c.outbox.length > 0 && n < max) {
        const frame = c.outbox.shift() as ServerFrame;
        if (c.socket.readyState === 1) c.socket.serverSend(frame);
        n += 1;
      }
    }
    return n;
  }

  /** Drops every connection (as a daemon stop would) with the given close code. */
  dropAll(code = 1006): void {
    for (const conn of this.connections.splice(0)) {
      conn.outbox.length = 0;
      if (conn.socket.readyState !== 3) conn.socket.serverClose(code);
    }
  }

  connectionOf(socket: FakeSocket): Connection | undefined {
    return this.connections.find((c) => c.socket === socket);
  }

  #push(conn: Connection, frame: ServerFrame): void {
    conn.outbox.push(frame);
    if (this.autoDeliver) this.deliver(conn);
    else this.onQueued?.(conn);
  }

  #pump(conn: Connection): void {
    if (!conn.started) return;
    const patterns = [...conn.subs].map(parsePattern);
    for (const frame of this.log) {
      if (frame.seq <= conn.cursor) continue;
      conn.cursor = frame.seq;
      if (matchesAny(patterns, frame.type, frame.data, HIGH_VOLUME)) {
        if (conn.resumeTo !== null) conn.resumeTo.replayed += 1;
        this.#push(conn, frame);
      }
      if (conn.resumeTo !== null && conn.cursor >= conn.resumeTo.to) this.#finishResume(conn);
    }
    if (conn.resumeTo !== null && conn.cursor >= conn.resumeTo.to) this.#finishResume(conn);
  }

  #finishResume(conn: Connection): void {
    const r = conn.resumeTo;
    if (r === null) return;
    conn.resumeTo = null;
    this.#push(conn, {
      type: "resumed",
      after_seq: r.after,
      to_seq: r.to,
      replayed: r.replayed,
      ...(r.id === undefined ? {} : { id: r.id }),
    });
  }

  #onFrame(conn: Connection, frame: ClientFrame): void {
    const id = "id" in frame ? frame.id : undefined;
    switch (frame.type) {
      case "subscribe":
        for (const name of frame.events) conn.subs.add(name);
        this.#push(conn, { type: "subscribed", events: [...conn.subs], seq: conn.cursor, ...(id === undefined ? {} : { id }) });
        conn.started = true;
        this.#pump(conn);
        return;
      case "unsubscribe":
        for (const name of frame.events) conn.subs.delete(name);
        this.#push(conn, { type: "unsubscribed", events: [...conn.subs], seq: conn.cursor, ...(id === undefined ? {} : { id }) });
        return;
      case "ping":
        this.#push(conn, {
          type: "pong",
          ...(id === undefined ? {} : { id }),
          ...(frame.t === undefined ? {} : { t: frame.t }),
          server_time: TS,
          seq: this.head,
        });
        return;
      case "resume": {
        if (frame.epoch !== this.epoch) {
          this.#push(conn, { type: "resync", reason: "epoch_changed", epoch: this.epoch, seq: this.head });
          conn.cursor = this.head;
          return;
        }
        if (frame.after_seq > this.head) {
          this.#push(conn, { type: "error", code: "invalid_resume", message: "after_seq beyond head", ...(id === undefined ? {} : { id }) });
          return;
        }
        if (frame.after_seq < this.oldestSeq - 1) {
          conn.cursor = this.head;
          this.#push(conn, { type: "resync", reason: "gap_too_old", epoch: this.epoch, seq: this.head });
          return;
        }
        conn.cursor = frame.after_seq;
        conn.resumeTo = { after: frame.after_seq, to: this.head, id, replayed: 0 };
        if (conn.cursor >= this.head) this.#finishResume(conn);
        else this.#pump(conn);
        return;
      }
    }
  }
}
