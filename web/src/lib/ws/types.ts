/**
 * Public types of the socket client. Every wire type comes from the generated
 * code (./generated); only client-side notions (state, log, options) live here.
 */
import type {
  ClientFrame,
  ErrorFrame,
  PongFrame,
  ResumedFrame,
  ResyncFrame,
  ServerFrame,
  SubscribedFrame,
  UnsubscribedFrame,
  WelcomeFrame,
} from "./generated";
import type { BackoffOptions } from "./backoff";

/** Control frames are the bare (undotted) types; everything else the daemon sends is an event. */
export type ControlFrame =
  | WelcomeFrame
  | SubscribedFrame
  | UnsubscribedFrame
  | PongFrame
  | ResumedFrame
  | ResyncFrame
  | ErrorFrame;

/** Every event frame (`task.created`, `session.message`, ...), derived from the generated union. */
export type EventFrame = Exclude<ServerFrame, ControlFrame>;
export type EventType = EventFrame["type"];
/** The frame type of one event name, e.g. `EventOf<"task.created">` is `TaskCreatedEvent`. */
export type EventOf<T extends EventType> = Extract<EventFrame, { type: T }>;

export type TaskEventFrame = Extract<EventFrame, { type: `task.${string}` }>;
export type WorktreeEventFrame = Extract<EventFrame, { type: `worktree.${string}` }>;
export type McpEventFrame = Extract<EventFrame, { type: `mcp.${string}` }>;
export type SessionEventFrame = Extract<EventFrame, { type: `session.${string}` }>;
export type AgentEventFrame = Extract<EventFrame, { type: `agent.${string}` }>;
export type AutonomousEventFrame = Extract<EventFrame, { type: `autonomous.${string}` }>;
export type HookEventFrame = Extract<EventFrame, { type: `hook.${string}` }>;

export type ConnectionState = "connecting" | "connected" | "reconnecting" | "disconnected";

/**
 * From recent pong round trips (see quality.ts): `down` while not connected, `poor` at once
 * while a pong is overdue, `unknown` between `welcome` and the first pong.
 */
export type ConnectionQuality = "good" | "fair" | "poor" | "down" | "unknown";

export type ConnectionLogKind =
  | "start"
  | "stop"
  | "connecting"
  | "open"
  | "welcome"
  | "close"
  | "socket-error"
  | "retry-scheduled"
  | "resume"
  | "resumed"
  | "resync"
  | "epoch-changed"
  | "invalid-frame"
  | "server-error"
  | "queue-dropped"
  | "ping-timeout"
  | "backoff-reset";

export interface ConnectionLogEntry {
  /** Client clock (ms since epoch) when it happened. */
  readonly at: number;
  readonly kind: ConnectionLogKind;
  readonly message: string;
}

export type ResyncReason = ResyncFrame["reason"];

/** Why the cache must refetch: from the daemon (`resync`) or noticed by the client itself. */
export interface ResyncNotice {
  readonly reason: ResyncReason | "fresh";
  readonly epoch: string | null;
  readonly seq: number;
}

/** Everything a view may want to show about the connection; immutable, replaced on change. */
export interface ConnectionSnapshot {
  readonly state: ConnectionState;
  readonly latencyMs: number | null;
  readonly quality: ConnectionQuality;
  readonly lastSeq: number | null;
  readonly epoch: string | null;
  readonly serverId: string | null;
  /** Failed attempts since the connection last stayed up long enough. */
  readonly attempt: number;
  /** When the next reconnect attempt is due (client clock), while reconnecting. */
  readonly nextRetryAt: number | null;
  readonly queued: number;
  readonly subscriptions: readonly string[];
  readonly log: readonly ConnectionLogEntry[];
}

/** The part of the browser WebSocket the client uses; tests inject a scripted fake. */
export interface SocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((ev: unknown) => void) | null;
  onclose: ((ev: { code: number; reason: string; wasClean?: boolean }) => void) | null;
  onerror: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
}

export type SocketFactory = new (url: string) => SocketLike;

export type TimerHandle = unknown;

export interface Timers {
  setTimeout(fn: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}

export interface TidewireSocketOptions {
  /** ws:// or wss:// URL, or a function computing it per attempt (e.g. to pick up a new token). */
  readonly url: string | (() => string);
  readonly WebSocket?: SocketFactory;
  readonly timers?: Timers;
  /** Clock in ms; defaults to Date.now. */
  readonly now?: () => number;
  /** Uniform [0, 1); defaults to Math.random. */
  readonly random?: () => number;
  readonly backoff?: Partial<BackoffOptions>;
  /** The attempt counter resets only after a connection stayed up this long. */
  readonly stableAfterMs?: number;
  /** How often to ping while connected (default: the welcome's `heartbeat_ms`, at most 15 s). */
  readonly pingIntervalMs?: number;
  /** Delay of the first ping after `welcome` (default 1 s, never later than the interval). */
  readonly firstPingAfterMs?: number;
  /** A ping unanswered this long makes the quality poor at once (default 1 s). */
  readonly pongOverdueMs?: number;
  /** A ping unanswered this long counts as missed (default 5 s). */
  readonly pongTimeoutMs?: number;
  /** After this many missed pongs in a row the socket is dropped and reconnected (default 1). */
  readonly maxMissedPongs?: number;
  /** Outgoing queue bounds while not connected. */
  readonly queueMaxCount?: number;
  readonly queueMaxAgeMs?: number;
  /** A socket that has not completed the handshake (welcome) by then is dropped and retried. */
  readonly connectTimeoutMs?: number;
  /** Connection log capacity. */
  readonly logSize?: number;
  /** Where dropped frames and other diagnostics go (default console.warn). */
  readonly logger?: (message: string, detail?: unknown) => void;
}

export type SendResult = "sent" | "queued";

export interface ClientEvents {
  state: ConnectionState;
  welcome: WelcomeFrame;
  event: EventFrame;
  resync: ResyncNotice;
  resumed: ResumedFrame;
  /** A subscribe took effect: the names that frame asked for and the connection's log position then. */
  subscribed: { readonly events: readonly string[]; readonly seq: number | null };
  pong: PongFrame;
  error: ErrorFrame;
  log: ConnectionLogEntry;
}

export type OutgoingFrame = ClientFrame;
