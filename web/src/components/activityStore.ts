import { HIGH_VOLUME_EVENTS } from "../lib/ws/generated";
import type { EventFrame } from "../lib/ws/types";
import { describeEvent, type ActivityLine } from "../lib/activitySentence";

/** One feed line: the event's sentence and link (see lib/activitySentence.ts), and when. */
export interface ActivityItem extends ActivityLine {
  ts: string;
}

export interface ActivitySnapshot {
  /** Tool calls seen live: proxied MCP calls and agent CLI tool uses. */
  toolCalls: number;
  /** Increments on every event; drives the pulse animation. */
  eventTick: number;
  /** Newest first, bounded. */
  recent: readonly ActivityItem[];
  /** Live mcp.tool_called count per downstream server. */
  callsByServer: Readonly<Record<string, number>>;
  /** False until the daemon's recent history was loaded (or could not be): the feed is not known empty yet. */
  historyLoaded: boolean;
}

const HIGH_VOLUME: ReadonlySet<string> = new Set<string>(HIGH_VOLUME_EVENTS);
const TOOL_CALL_TYPES = new Set(["mcp.tool_called", "hook.pre_tool_use"]);
const RECENT_MAX = 50;

function item(event: EventFrame): ActivityItem {
  return { ...describeEvent(event), ts: event.ts };
}

/**
 * Counts and a bounded feed of live events, shared by every view so numbers survive route
 * changes. Listeners are notified at most once per `notifyEveryMs`: a storm of thousands
 * of events per second costs a handful of renders, not one per event.
 */
export class ActivityStore {
  #snapshot: ActivitySnapshot = { toolCalls: 0, eventTick: 0, recent: [], callsByServer: {}, historyLoaded: false };
  #pending: ActivityItem[] = [];
  #toolCalls = 0;
  #ticks = 0;
  #byServer: Record<string, number> = {};
  readonly #listeners = new Set<() => void>();
  #timer: ReturnType<typeof setTimeout> | null = null;
  readonly #notifyEveryMs: number;

  constructor(notifyEveryMs = 200) {
    this.#notifyEveryMs = notifyEveryMs;
  }

  record(event: EventFrame): void {
    this.#ticks += 1;
    if (TOOL_CALL_TYPES.has(event.type)) this.#toolCalls += 1;
    if (event.type === "mcp.tool_called") {
      const name = (event.data as { server_name?: unknown }).server_name;
      if (typeof name === "string") this.#byServer = { ...this.#byServer, [name]: (this.#byServer[name] ?? 0) + 1 };
    }
    // Tool calls are counted, not listed: at storm rates they would push everything else out.
    if (event.type !== "mcp.tool_called") {
      this.#pending.push(item(event));
      if (this.#pending.length > RECENT_MAX) this.#pending.splice(0, this.#pending.length - RECENT_MAX);
    }
    this.#schedule();
  }

  /**
   * Adds events that happened before the page opened (from the daemon's log) to the feed.
   * They are history, not activity: counters and the pulse do not move. Live events with
   * the same seq win; the feed stays ordered by seq and bounded.
   */
  seed(events: readonly EventFrame[]): void {
    // The log also holds the high-volume events (transcript lines, proxied calls), which
    // would crowd out everything else.
    const items = events
      .filter((e) => !HIGH_VOLUME.has(e.type))
      .map(item);
    if (items.length === 0) {
      this.#snapshot = { ...this.#snapshot, historyLoaded: true };
      for (const l of this.#listeners) l();
      return;
    }
    const bySeq = new Map<number, ActivityItem>();
    for (const item of [...items, ...this.#snapshot.recent, ...this.#pending]) bySeq.set(item.seq, item);
    const merged = [...bySeq.values()].sort((a, b) => b.seq - a.seq).slice(0, RECENT_MAX);
    this.#pending = [];
    this.#snapshot = { ...this.#snapshot, recent: merged, historyLoaded: true };
    for (const l of this.#listeners) l();
  }

  #schedule(): void {
    if (this.#timer !== null) return;
    this.#timer = setTimeout(() => {
      this.#timer = null;
      this.flush();
    }, this.#notifyEveryMs);
  }

  /** Publish what was recorded since the last notification. */
  flush(): void {
    const recent = this.#pending.length
      ? [...this.#pending.reverse(), ...this.#snapshot.recent].slice(0, RECENT_MAX)
      : this.#snapshot.recent;
    this.#pending = [];
    this.#snapshot = {
      ...this.#snapshot,
      toolCalls: this.#toolCalls,
      eventTick: this.#ticks,
      recent,
      callsByServer: this.#byServer,
    };
    for (const l of this.#listeners) l();
  }

  getSnapshot = (): ActivitySnapshot => this.#snapshot;

  subscribe = (listener: () => void): (() => void) => {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  };

  dispose(): void {
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
    this.#listeners.clear();
  }
}
