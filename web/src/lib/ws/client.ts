/**
 * TidewireSocket: the framework-free client of the daemon's `/ws` endpoint.
 *
 * One instance owns one logical connection across any number of physical
 * sockets. It keeps the event cursor (`epoch`, `lastSeq`), the ref-counted
 * subscription set and a bounded outgoing queue, and after every handshake it
 * sends, in this order: `resume` (same epoch only), `subscribe` with the whole
 * active set, then the queued frames. Every incoming frame is checked with the
 * generated guards; an event whose seq is not above `lastSeq` is dropped.
 */
import { isClientFrame, isServerFrame, EVENT_TYPES, SERVER_CONTROL_TYPES } from "./generated";
import type { ClientFrame, PongFrame, ResumedFrame, ResyncFrame, WelcomeFrame } from "./generated";
import { backoffDelay, DEFAULT_BACKOFF, type BackoffOptions } from "./backoff";
import { RingBuffer } from "./ringBuffer";
import { chunkNames, MAX_NAME_LENGTH, SubscriptionRegistry } from "./subscriptions";
import { parsePattern } from "./patterns";
import { connectionQuality, LATENCY_SAMPLES } from "./quality";
import type {
  ClientEvents,
  ConnectionLogEntry,
  ConnectionLogKind,
  ConnectionSnapshot,
  ConnectionState,
  EventFrame,
  ResyncNotice,
  SendResult,
  SocketFactory,
  SocketLike,
  TidewireSocketOptions,
  TimerHandle,
  Timers,
} from "./types";

const OPEN = 1;
/** Close code the client uses when it gives up on a silent socket (private-use range). */
export const CLOSE_PING_TIMEOUT = 4000;
export const CLOSE_HANDSHAKE_TIMEOUT = 4001;
/** What the log records when the handshake failed before the socket opened (1006: no close frame). */
const CLOSE_HANDSHAKE_FAILED = 1006;
/** The daemon closes with 1008 for a bad token: retrying cannot help. */
const CLOSE_POLICY = 1008;

export const DEFAULTS = {
  stableAfterMs: 10_000,
  /** Pings follow the daemon's `welcome.heartbeat_ms`, but never less often than this. */
  maxPingIntervalMs: 15_000,
  /** The first ping goes out this soon after `welcome`, so quality is known at once. */
  firstPingAfterMs: 1_000,
  pongOverdueMs: 1_000,
  pongTimeoutMs: 5_000,
  maxMissedPongs: 1,
  queueMaxCount: 100,
  queueMaxAgeMs: 60_000,
  logSize: 200,
  connectTimeoutMs: 15_000,
} as const;

const KNOWN_EVENT_TYPES: ReadonlySet<string> = new Set<string>(EVENT_TYPES);
const KNOWN_CONTROL_TYPES: ReadonlySet<string> = new Set<string>(SERVER_CONTROL_TYPES);

type Listener<T> = (value: T) => void;

interface QueuedFrame {
  readonly frame: ClientFrame;
  readonly at: number;
}

const browserTimers: Timers = {
  setTimeout: (fn, ms) => globalThis.setTimeout(fn, ms),
  clearTimeout: (handle) => globalThis.clearTimeout(handle as ReturnType<typeof setTimeout>),
};

export class TidewireSocket {
  readonly #url: () => string;
  readonly #Socket: SocketFactory | undefined;
  readonly #timers: Timers;
  readonly #now: () => number;
  readonly #random: () => number;
  readonly #backoff: BackoffOptions;
  readonly #stableAfterMs: number;
  readonly #pingIntervalOption: number | undefined;
  #pingIntervalMs: number = DEFAULTS.maxPingIntervalMs;
  readonly #firstPingAfterMs: number;
  readonly #pongOverdueMs: number;
  readonly #pongTimeoutMs: number;
  readonly #maxMissedPongs: number;
  readonly #queueMaxCount: number;
  readonly #queueMaxAgeMs: number;
  readonly #connectTimeoutMs: number;
  readonly #logger: (message: string, detail?: unknown) => void;

  readonly #registry = new SubscriptionRegistry();
  readonly #log: RingBuffer<ConnectionLogEntry>;
  readonly #listeners = new Map<keyof ClientEvents, Set<Listener<never>>>();
  readonly #snapshotListeners = new Set<() => void>();

  #socket: SocketLike | null = null;
  #handshaken = false;
  #running = false;
  #everConnected = false;
  #state: ConnectionState = "disconnected";
  #attempt = 0;
  #nextRetryAt: number | null = null;

  #epoch: string | null = null;
  #lastSeq: number | null = null;
  #serverId: string | null = null;
  #welcomeSeq = 0;

  #queue: QueuedFrame[] = [];
  #nextId = 1;
  readonly #subscribeIds = new Map<string, readonly string[]>();
  #resumeId: string | null = null;
  readonly #pings = new Map<string, number>();
  #latencies: number[] = [];
  #missedPongs = 0;
  #pongOverdue = false;

  #retryTimer: TimerHandle | null = null;
  #stableTimer: TimerHandle | null = null;
  #pingTimer: TimerHandle | null = null;
  #pongTimer: TimerHandle | null = null;
  #overdueTimer: TimerHandle | null = null;
  #connectTimer: TimerHandle | null = null;

  #snapshot: ConnectionSnapshot | null = null;

  constructor(options: TidewireSocketOptions) {
    const url = options.url;
    this.#url = typeof url === "function" ? url : () => url;
    this.#Socket = options.WebSocket;
    this.#timers = options.timers ?? browserTimers;
    this.#now = options.now ?? Date.now;
    this.#random = options.random ?? Math.random;
    this.#backoff = { ...DEFAULT_BACKOFF, ...options.backoff };
    this.#stableAfterMs = options.stableAfterMs ?? DEFAULTS.stableAfterMs;
    this.#pingIntervalOption = options.pingIntervalMs;
    this.#firstPingAfterMs = options.firstPingAfterMs ?? DEFAULTS.firstPingAfterMs;
    this.#pongOverdueMs = options.pongOverdueMs ?? DEFAULTS.pongOverdueMs;
    this.#pongTimeoutMs = options.pongTimeoutMs ?? DEFAULTS.pongTimeoutMs;
    this.#maxMissedPongs = Math.max(1, options.maxMissedPongs ?? DEFAULTS.maxMissedPongs);
    this.#queueMaxCount = Math.max(0, options.queueMaxCount ?? DEFAULTS.queueMaxCount);
    this.#queueMaxAgeMs = options.queueMaxAgeMs ?? DEFAULTS.queueMaxAgeMs;
    this.#connectTimeoutMs = options.connectTimeoutMs ?? DEFAULTS.connectTimeoutMs;
    this.#log = new RingBuffer(options.logSize ?? DEFAULTS.logSize);
    this.#logger =
      options.logger ??
      ((message, detail) => {
        console.warn(`[tidewire ws] ${message}`, detail ?? "");
      });
  }

  // ---------------------------------------------------------------- lifecycle

  /** Opens the connection (idempotent). */
  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#record("start", "client started");
    this.#connect();
  }

  /** Closes the connection for good (until `start` again); the queue and subscriptions are kept. */
  stop(): void {
    if (!this.#running) return;
    this.#running = false;
    this.#clearTimer("retry");
    this.#teardownSocket(1000, "client stopped");
    this.#nextRetryAt = null;
    this.#record("stop", "client stopped");
    this.#setState("disconnected");
  }

  /** Skips the backoff wait: reconnects now if not connected. */
  reconnectNow(): void {
    if (!this.#running || this.#socket !== null) return;
    this.#clearTimer("retry");
    this.#connect();
  }

  // --------------------------------------------------------------- accessors

  get state(): ConnectionState {
    return this.#state;
  }

  get epoch(): string | null {
    return this.#epoch;
  }

  get lastSeq(): number | null {
    return this.#lastSeq;
  }

  get activeSubscriptions(): string[] {
    return this.#registry.active();
  }

  getLog(): ConnectionLogEntry[] {
    return this.#log.toArray();
  }

  /** Immutable view for `useSyncExternalStore`; the same object until something changes. */
  getSnapshot = (): ConnectionSnapshot => {
    if (this.#snapshot === null) {
      const latencyMs =
        this.#latencies.length === 0 ? null : this.#latencies[this.#latencies.length - 1] ?? null;
      this.#snapshot = {
        state: this.#state,
        latencyMs,
        quality: connectionQuality({
          state: this.#state,
          latencies: this.#latencies,
          pongOverdue: this.#pongOverdue,
        }),
        lastSeq: this.#lastSeq,
        epoch: this.#epoch,
        serverId: this.#serverId,
        attempt: this.#attempt,
        nextRetryAt: this.#nextRetryAt,
        queued: this.#queue.length,
        subscriptions: this.#registry.active(),
        log: this.#log.toArray(),
      };
    }
    return this.#snapshot;
  };

  /** Notified after any snapshot change. */
  subscribeSnapshot = (listener: () => void): (() => void) => {
    this.#snapshotListeners.add(listener);
    return () => {
      this.#snapshotListeners.delete(listener);
    };
  };

  on<K extends keyof ClientEvents>(type: K, listener: Listener<ClientEvents[K]>): () => void {
    let set = this.#listeners.get(type);
    if (set === undefined) {
      set = new Set();
      this.#listeners.set(type, set);
    }
    set.add(listener as Listener<never>);
    return () => {
      set.delete(listener as Listener<never>);
    };
  }

  // ------------------------------------------------------------ subscriptions

  /** Adds a reference to each name; names that became active are sent now if connected. */
  subscribe(names: readonly string[]): void {
    validateNames(names);
    const added = this.#registry.add(dedupe(names));
    this.#touch();
    if (added.length > 0 && this.#isLive()) this.#sendSubscribe(added);
  }

  /** Drops a reference to each name; names no longer wanted by anyone are unsubscribed. */
  unsubscribe(names: readonly string[]): void {
    validateNames(names);
    const removed = this.#registry.remove(dedupe(names));
    this.#touch();
    if (removed.length > 0 && this.#isLive()) {
      for (const chunk of chunkNames(removed)) {
        this.#write({ type: "unsubscribe", events: chunk, id: this.#newId("u") });
      }
    }
  }

  // ----------------------------------------------------------------- sending

  /**
   * Sends a frame now if the handshake is done, otherwise queues it. The queue keeps
   * order, holds at most `queueMaxCount` frames (the oldest is dropped) and frames
   * older than `queueMaxAgeMs` are dropped instead of sent.
   */
  send(frame: ClientFrame): SendResult {
    if (!isClientFrame(frame)) throw new TypeError(`not a valid client frame: ${JSON.stringify(frame)}`);
    if (this.#isLive()) {
      this.#write(frame);
      return "sent";
    }
    this.#queue.push({ frame, at: this.#now() });
    while (this.#queue.length > this.#queueMaxCount) {
      const dropped = this.#queue.shift();
      this.#record("queue-dropped", `queue full (${this.#queueMaxCount}): dropped ${dropped?.frame.type ?? "?"}`);
    }
    this.#touch();
    return "queued";
  }

  /** Sends a ping now (if connected); the pong updates latency and quality. */
  ping(): void {
    if (!this.#isLive()) return;
    const id = this.#newId("p");
    const t = this.#now();
    this.#pings.set(id, t);
    if (this.#overdueTimer === null) {
      this.#overdueTimer = this.#timers.setTimeout(() => {
        this.#overdueTimer = null;
        if (!this.#isLive() || this.#pings.size === 0) return;
        this.#pongOverdue = true;
        this.#touch();
      }, this.#pongOverdueMs);
    }
    if (this.#pongTimer === null) {
      this.#pongTimer = this.#timers.setTimeout(() => {
        this.#pongTimer = null;
        this.#onPongTimeout();
      }, this.#pongTimeoutMs);
    }
    // Written last: a pong handled during the write (an in-process socket) must find the
    // timers above in place to clear them, not leave them armed for the next ping.
    this.#write({ type: "ping", id, t });
  }

  // ----------------------------------------------------------------- private

  #isLive(): boolean {
    return this.#handshaken && this.#socket !== null && this.#socket.readyState === OPEN;
  }

  #newId(prefix: string): string {
    const id = `${prefix}${this.#nextId}`;
    this.#nextId += 1;
    return id;
  }

  #write(frame: ClientFrame): void {
    this.#socket?.send(JSON.stringify(frame));
  }

  #sendSubscribe(names: readonly string[]): void {
    for (const chunk of chunkNames(names)) {
      const id = this.#newId("s");
      this.#subscribeIds.set(id, chunk);
      this.#write({ type: "subscribe", events: chunk, id });
    }
  }

  #connect(): void {
    if (!this.#running) return;
    this.#nextRetryAt = null;
    this.#setState(this.#everConnected || this.#attempt > 0 ? "reconnecting" : "connecting");
    let url: string;
    let socket: SocketLike;
    try {
      url = this.#url();
      const Ctor = this.#Socket ?? (globalThis.WebSocket as unknown as SocketFactory | undefined);
      if (Ctor === undefined) throw new Error("no WebSocket implementation available");
      socket = new Ctor(url);
    } catch (err) {
      this.#record("socket-error", `could not open socket: ${errorText(err)}`);
      this.#scheduleRetry();
      return;
    }
    this.#record("connecting", `connecting to ${redactToken(url)}`);
    this.#socket = socket;
    this.#handshaken = false;
    socket.onopen = () => {
      if (this.#socket !== socket) return;
      this.#record("open", "socket open, waiting for welcome");
    };
    socket.onmessage = (ev) => {
      if (this.#socket !== socket) return;
      this.#onMessage(ev.data);
    };
    socket.onerror = () => {
      if (this.#socket !== socket) return;
      this.#record("socket-error", "socket error");
      if (socket.readyState === OPEN) return;
      // An error before the socket opened is a failed attempt (e.g. HTTP 503 while the daemon
      // starts). Browsers follow it with `close`, but some engines (Node 20's WebSocket) never
      // do: end the attempt here instead of waiting for the handshake timeout.
      this.#teardownSocket(CLOSE_HANDSHAKE_FAILED, "handshake failed");
      this.#onClosed(CLOSE_HANDSHAKE_FAILED, "handshake failed", true);
    };
    socket.onclose = (ev) => {
      if (this.#socket !== socket) return;
      detach(socket);
      this.#onClosed(ev.code, ev.reason);
    };
    this.#connectTimer = this.#timers.setTimeout(() => {
      this.#connectTimer = null;
      if (this.#socket === socket && !this.#handshaken) {
        this.#record("close", "no welcome in time");
        this.#teardownSocket(CLOSE_HANDSHAKE_TIMEOUT, "handshake timeout");
        this.#onClosed(CLOSE_HANDSHAKE_TIMEOUT, "handshake timeout", true);
      }
    }, this.#connectTimeoutMs);
  }

  /** Detaches and closes the current socket; its late callbacks are ignored. */
  #teardownSocket(code: number, reason: string): void {
    const socket = this.#socket;
    this.#clearConnectionTimers();
    this.#socket = null;
    this.#handshaken = false;
    if (socket === null) return;
    detach(socket);
    try {
      socket.close(code, reason);
    } catch {
      // Closing an already-closed or never-opened socket throws in some engines; it is gone either way.
    }
  }

  #onClosed(code: number, reason: string, alreadyTornDown = false): void {
    if (!alreadyTornDown) {
      this.#clearConnectionTimers();
      this.#socket = null;
      this.#handshaken = false;
    }
    this.#pings.clear();
    // Replies to frames sent on the old socket will never come.
    this.#subscribeIds.clear();
    this.#resumeId = null;
    this.#latencies = [];
    this.#missedPongs = 0;
    this.#pongOverdue = false;
    this.#record("close", `closed (${code}${reason ? `: ${reason}` : ""})`);
    if (!this.#running) {
      this.#setState("disconnected");
      return;
    }
    if (code === CLOSE_POLICY) {
      this.#running = false;
      this.#record("stop", "refused by the daemon (bad token?): not retrying");
      this.#setState("disconnected");
      return;
    }
    this.#scheduleRetry();
  }

  #scheduleRetry(): void {
    if (!this.#running) return;
    const delay = backoffDelay(this.#attempt, this.#random, this.#backoff);
    this.#attempt += 1;
    this.#nextRetryAt = this.#now() + delay;
    this.#setState("reconnecting");
    this.#record("retry-scheduled", `retry #${this.#attempt} in ${delay} ms`);
    this.#clearTimer("retry");
    this.#retryTimer = this.#timers.setTimeout(() => {
      this.#retryTimer = null;
      this.#connect();
    }, delay);
  }

  #onMessage(raw: unknown): void {
    let parsed: unknown;
    try {
      parsed = typeof raw === "string" ? JSON.parse(raw) : undefined;
    } catch (err) {
      this.#drop(`not JSON: ${errorText(err)}`, raw);
      return;
    }
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
      this.#drop("not a JSON object", raw);
      return;
    }
    const type = (parsed as { type?: unknown }).type;
    if (typeof type === "string" && type.length > 0) {
      const known = type.includes(".") ? KNOWN_EVENT_TYPES.has(type) : KNOWN_CONTROL_TYPES.has(type);
      // A newer daemon may send event or control types this build does not know (the
      // protocol's evolution rules allow it): ignore them quietly.
      if (!known) return;
    }
    if (!isServerFrame(parsed)) {
      this.#drop(`frame failed validation (type ${String(type)})`, parsed);
      return;
    }
    const frame = parsed;
    switch (frame.type) {
      case "welcome":
        this.#onWelcome(frame);
        return;
      case "subscribed": {
        const id = frame.id === undefined ? null : String(frame.id);
        const asked = id === null ? undefined : this.#subscribeIds.get(id);
        if (id !== null) this.#subscribeIds.delete(id);
        this.#emit("subscribed", { events: asked ?? frame.events, seq: frame.seq ?? null });
        return;
      }
      case "unsubscribed":
        return;
      case "pong":
        this.#onPong(frame);
        return;
      case "resumed":
        this.#onResumed(frame);
        return;
      case "resync":
        this.#onResync(frame);
        return;
      case "error": {
        this.#record("server-error", `${frame.code}: ${frame.message}`);
        if (frame.code === "invalid_resume" && this.#resumeId !== null && String(frame.id) === this.#resumeId) {
          // The daemon never had our seq in this epoch (e.g. its data was restored from
          // an older copy): start over from its head.
          this.#resumeId = null;
          this.#lastSeq = this.#welcomeSeq;
          this.#touch();
          this.#emitResync({ reason: "gap_too_old", epoch: this.#epoch, seq: this.#welcomeSeq });
        }
        this.#emit("error", frame);
        return;
      }
      default:
        this.#onEvent(frame);
    }
  }

  #drop(reason: string, detail: unknown): void {
    this.#record("invalid-frame", reason);
    this.#logger(`dropped frame: ${reason}`, detail);
  }

  #onWelcome(frame: WelcomeFrame): void {
    if (this.#handshaken) {
      this.#drop("second welcome on one socket", frame);
      return;
    }
    this.#clearTimer("connect");
    this.#handshaken = true;
    this.#everConnected = true;
    this.#serverId = frame.server_id;
    this.#welcomeSeq = frame.seq;
    this.#record("welcome", `welcome from ${frame.server_id} (epoch ${frame.epoch}, seq ${frame.seq})`);

    let notice: ResyncNotice | null = null;
    if (this.#epoch === frame.epoch && this.#lastSeq !== null && this.#lastSeq <= frame.seq) {
      this.#resumeId = this.#newId("r");
      this.#record("resume", `resume after seq ${this.#lastSeq}`);
      this.#write({ type: "resume", epoch: frame.epoch, after_seq: this.#lastSeq, id: this.#resumeId });
    } else {
      const reason = this.#epoch === null ? "fresh" : this.#epoch !== frame.epoch ? "epoch_changed" : "gap_too_old";
      if (reason === "epoch_changed") this.#record("epoch-changed", `epoch ${this.#epoch} -> ${frame.epoch}`);
      this.#epoch = frame.epoch;
      this.#lastSeq = frame.seq;
      this.#resumeId = null;
      notice = { reason, epoch: frame.epoch, seq: frame.seq };
    }

    const active = this.#registry.active();
    if (active.length > 0) this.#sendSubscribe(active);
    this.#flushQueue();

    this.#nextRetryAt = null;
    this.#pingIntervalMs =
      this.#pingIntervalOption ?? Math.min(Math.max(frame.heartbeat_ms, 1), DEFAULTS.maxPingIntervalMs);
    this.#setState("connected");
    this.#schedulePing(Math.min(this.#firstPingAfterMs, this.#pingIntervalMs));
    this.#stableTimer = this.#timers.setTimeout(() => {
      this.#stableTimer = null;
      if (this.#attempt !== 0) this.#record("backoff-reset", "connection stable: backoff reset");
      this.#attempt = 0;
      this.#touch();
    }, this.#stableAfterMs);
    this.#emit("welcome", frame);
    if (notice !== null) this.#emitResync(notice);
  }

  #flushQueue(): void {
    if (this.#queue.length === 0) return;
    const now = this.#now();
    const queued = this.#queue;
    this.#queue = [];
    for (const item of queued) {
      if (now - item.at > this.#queueMaxAgeMs) {
        this.#record("queue-dropped", `dropped ${item.frame.type} queued ${now - item.at} ms ago`);
        continue;
      }
      this.#write(item.frame);
    }
    this.#touch();
  }

  #onEvent(frame: EventFrame): void {
    if (!this.#handshaken) return;
    if (this.#lastSeq !== null && frame.seq <= this.#lastSeq) {
      // Already seen (a replay overlap or a duplicate): applying it twice would double-count.
      return;
    }
    this.#lastSeq = frame.seq;
    this.#touch();
    this.#emit("event", frame);
  }

  #onResumed(frame: ResumedFrame): void {
    this.#resumeId = null;
    if (this.#lastSeq === null || frame.to_seq > this.#lastSeq) {
      // Everything subscribed up to to_seq has been replayed; moving the cursor keeps the next resume short.
      this.#lastSeq = frame.to_seq;
      this.#touch();
    }
    this.#record("resumed", `resumed: ${frame.replayed} replayed (${frame.after_seq} -> ${frame.to_seq})`);
    this.#emit("resumed", frame);
  }

  #onResync(frame: ResyncFrame): void {
    this.#resumeId = null;
    if (frame.epoch !== undefined && frame.epoch !== this.#epoch) {
      this.#epoch = frame.epoch;
      this.#lastSeq = frame.seq ?? 0;
    } else if (frame.seq !== undefined) {
      this.#lastSeq = this.#lastSeq === null ? frame.seq : Math.max(this.#lastSeq, frame.seq);
    }
    this.#touch();
    this.#emitResync({ reason: frame.reason, epoch: this.#epoch, seq: this.#lastSeq ?? 0 });
  }

  #emitResync(notice: ResyncNotice): void {
    this.#record("resync", `refetch needed (${notice.reason})`);
    this.#emit("resync", notice);
  }

  #schedulePing(delay = this.#pingIntervalMs): void {
    this.#clearTimer("ping");
    this.#pingTimer = this.#timers.setTimeout(() => {
      this.#pingTimer = null;
      this.ping();
      if (this.#isLive()) this.#schedulePing();
    }, delay);
  }

  #onPong(frame: PongFrame): void {
    const id = frame.id === undefined ? null : String(frame.id);
    const sentAt = id !== null ? this.#pings.get(id) : undefined;
    if (id !== null) this.#pings.delete(id);
    const start = sentAt ?? frame.t;
    if (start === undefined) {
      this.#emit("pong", frame);
      return;
    }
    const latency = Math.max(0, this.#now() - start);
    this.#latencies = [...this.#latencies, latency].slice(-LATENCY_SAMPLES);
    this.#missedPongs = 0;
    if (this.#pings.size === 0) {
      this.#clearTimer("pong");
      this.#clearTimer("overdue");
      this.#pongOverdue = false;
    }
    this.#touch();
    this.#emit("pong", frame);
  }

  #onPongTimeout(): void {
    if (!this.#isLive() || this.#pings.size === 0) return;
    this.#pings.clear();
    this.#clearTimer("overdue");
    this.#missedPongs += 1;
    this.#pongOverdue = true;
    this.#record("ping-timeout", `no pong within ${this.#pongTimeoutMs} ms (${this.#missedPongs} missed)`);
    this.#touch();
    if (this.#missedPongs >= this.#maxMissedPongs) {
      // A half-open TCP connection may never fire `close`: stop waiting for it.
      this.#teardownSocket(CLOSE_PING_TIMEOUT, "ping timeout");
      this.#onClosed(CLOSE_PING_TIMEOUT, "ping timeout", true);
    }
  }

  #clearTimer(which: "retry" | "stable" | "ping" | "pong" | "overdue" | "connect"): void {
    const field = {
      retry: this.#retryTimer,
      stable: this.#stableTimer,
      ping: this.#pingTimer,
      pong: this.#pongTimer,
      overdue: this.#overdueTimer,
      connect: this.#connectTimer,
    }[which];
    if (field !== null) this.#timers.clearTimeout(field);
    switch (which) {
      case "retry":
        this.#retryTimer = null;
        break;
      case "stable":
        this.#stableTimer = null;
        break;
      case "ping":
        this.#pingTimer = null;
        break;
      case "pong":
        this.#pongTimer = null;
        break;
      case "overdue":
        this.#overdueTimer = null;
        break;
      case "connect":
        this.#connectTimer = null;
        break;
    }
  }

  #clearConnectionTimers(): void {
    this.#clearTimer("stable");
    this.#clearTimer("ping");
    this.#clearTimer("pong");
    this.#clearTimer("overdue");
    this.#clearTimer("connect");
  }

  #setState(state: ConnectionState): void {
    if (this.#state === state) {
      this.#touch();
      return;
    }
    this.#state = state;
    this.#touch();
    this.#emit("state", state);
  }

  #record(kind: ConnectionLogKind, message: string): void {
    const entry: ConnectionLogEntry = { at: this.#now(), kind, message };
    this.#log.push(entry);
    this.#touch();
    this.#emit("log", entry);
  }

  #touch(): void {
    this.#snapshot = null;
    for (const listener of [...this.#snapshotListeners]) listener();
  }

  #emit<K extends keyof ClientEvents>(type: K, value: ClientEvents[K]): void {
    const set = this.#listeners.get(type);
    if (set === undefined) return;
    for (const listener of [...set] as Listener<ClientEvents[K]>[]) {
      try {
        listener(value);
      } catch (err) {
        // One faulty listener must not stop the others or break the socket loop.
        this.#logger(`listener for "${type}" threw`, err);
      }
    }
  }
}

/** Drops the client's callbacks from a socket it no longer uses. */
function detach(socket: SocketLike): void {
  socket.onopen = null;
  socket.onmessage = null;
  socket.onerror = null;
  socket.onclose = null;
}

function validateNames(names: readonly string[]): void {
  if (!Array.isArray(names)) throw new TypeError("subscription names must be an array");
  for (const name of names) {
    if (typeof name !== "string" || name.length === 0 || name.length > MAX_NAME_LENGTH) {
      throw new TypeError(`invalid subscription name: ${JSON.stringify(name)}`);
    }
    // The daemon refuses a whole subscribe frame for one bad pattern, and the active set is
    // re-sent in one frame after a reconnect: a bad pattern must never enter the set.
    parsePattern(name);
  }
}

function dedupe(names: readonly string[]): string[] {
  return [...new Set(names)];
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function redactToken(url: string): string {
  return url.replace(/([?&]token=)[^&]*/u, "$1***");
}
