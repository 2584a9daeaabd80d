/**
 * LiveSync turns socket events into cache work for TanStack Query.
 *
 * Per cache key prefix it keeps the highest seq of an event that touched it.
 * A query is out of date when the seq its data reflects is below that mark (or
 * its data belongs to another epoch). Out-of-date queries are invalidated in
 * coalesced flushes: at most one flush per `windowMs`, and a query that is
 * already fetching is left alone and re-checked when that fetch lands, so an
 * event storm costs a bounded number of refetches per query.
 *
 * Events with a registered list patch (task events carry the whole record) are
 * applied to the cached lists directly instead. The socket delivers each
 * subscribed event once, in seq order, so data reflecting seq S can take every
 * later event -- unless something above S may be missing from what was
 * delivered: a subscribe or resync that took effect above S (a gap), or an
 * event of the family without a patch. Those set the family's "barrier"; data
 * at or above its barrier is brought up to date from a log of the recent
 * patchable events, data below it is refetched. The log also lets a response
 * that was in flight during a storm catch up instead of fetching again (with
 * ten thousand tasks, a refetch is the expensive thing). Patchable events are
 * gathered for at most `patchWindowMs` and applied together, so a storm costs
 * one list copy per window, not one per event.
 *
 * It also tracks which queries are confirmed live: fetched (or checked by a
 * `resumed`) while the socket is up. Anything else is stale for the UI.
 */
import {
  hashKey,
  partialMatchKey,
  type Query,
  type QueryClient,
  type QueryKey,
} from "@tanstack/react-query";
import { isLiveData, type LiveData } from "./liveData";
import { FAMILIES, keysForEvent } from "./queryKeys";
import type { ResyncNotice, Timers, TimerHandle } from "./ws/types";
import { parsePattern, type ParsedPattern } from "./ws/patterns";

export interface LiveSyncOptions {
  /** Minimum spacing of invalidation flushes (ms). */
  readonly windowMs?: number;
  readonly timers?: Timers;
  readonly now?: () => number;
  /** Minimum spacing of list patch batches (ms); the first event after a quiet spell is applied at once. */
  readonly patchWindowMs?: number;
  /** How many recent patchable events are kept for queries to catch up from. */
  readonly logLimit?: number;
  /** Watch the query cache from construction (default true); otherwise call `attach()`. */
  readonly attach?: boolean;
}

/** An event as far as the cache cares: its type, seq and payload. */
export interface CacheEvent {
  readonly type: string;
  readonly seq: number;
  readonly data: unknown;
}

/** Applies an event directly to cached data; returns true when the cache now reflects it. */
export type Patcher = (client: QueryClient, event: CacheEvent, epoch: string | null) => boolean;

/**
 * Applies an event to one cached query's payload and returns the new payload
 * (its seq and epoch are set by the caller), or undefined when it cannot (that
 * query is then refetched). Must not modify `data`.
 */
export type ListPatch = (queryKey: QueryKey, data: unknown, event: CacheEvent) => unknown;

interface Mark {
  readonly key: QueryKey;
  seq: number;
}

const browserTimers: Timers = {
  setTimeout: (fn, ms) => globalThis.setTimeout(fn, ms),
  clearTimeout: (h) => globalThis.clearTimeout(h as ReturnType<typeof setTimeout>),
};

export const DEFAULT_WINDOW_MS = 250;
export const DEFAULT_PATCH_WINDOW_MS = 100;
export const DEFAULT_LOG_LIMIT = 2_000;

interface LoggedEvent {
  readonly event: CacheEvent;
  readonly patch: ListPatch;
  readonly keys: readonly QueryKey[];
}

export class LiveSync {
  readonly #client: QueryClient;
  readonly #windowMs: number;
  readonly #patchWindowMs: number;
  readonly #timers: Timers;
  readonly #now: () => number;

  readonly #marks = new Map<string, Mark>();
  readonly #dirty = new Set<string>();
  readonly #patchers = new Map<string, Patcher>();
  readonly #listPatches = new Map<string, ListPatch>();
  /** Events waiting for the next patch batch, in arrival (= seq) order. */
  #buffered: { readonly event: CacheEvent; readonly patch: ListPatch }[] = [];
  #patchTimer: TimerHandle | null = null;
  /** Patchable events delivered in this epoch, oldest first (bounded by #logLimit). */
  #log: LoggedEvent[] = [];
  readonly #logLimit: number;
  /** Per key prefix: data below this seq may miss an event the log cannot supply. */
  readonly #barriers = new Map<string, Mark>();
  #lastPatchAt = Number.NEGATIVE_INFINITY;
  #patches = 0;
  readonly #confirmed = new Map<string, number>();
  readonly #listeners = new Set<() => void>();
  #unsubscribeCache: (() => void) | null = null;

  #flushTimer: TimerHandle | null = null;
  #lastFlushAt = Number.NEGATIVE_INFINITY;
  #epoch: string | null = null;
  #connected = false;
  #session = 0;
  /** Refetches started by invalidation, for tests and diagnostics. */
  #invalidations = 0;

  constructor(client: QueryClient, options: LiveSyncOptions = {}) {
    this.#client = client;
    this.#windowMs = options.windowMs ?? DEFAULT_WINDOW_MS;
    this.#patchWindowMs = options.patchWindowMs ?? DEFAULT_PATCH_WINDOW_MS;
    this.#logLimit = options.logLimit ?? DEFAULT_LOG_LIMIT;
    this.#timers = options.timers ?? browserTimers;
    this.#now = options.now ?? Date.now;
    if (options.attach !== false) this.attach();
  }

  /**
   * Starts watching the query cache (the constructor does); after `dispose` it can be
   * attached again, as React's StrictMode does with effects in development.
   */
  attach(): void {
    if (this.#unsubscribeCache !== null) return;
    this.#unsubscribeCache = this.#client.getQueryCache().subscribe((event) => {
      if (event.type === "removed") {
        this.#confirmed.delete(event.query.queryHash);
        return;
      }
      if (event.type !== "updated") return;
      const action = event.action;
      if (action.type === "success" && action.manual !== true) this.#onFetched(event.query);
    });
  }

  get epoch(): string | null {
    return this.#epoch;
  }

  get connected(): boolean {
    return this.#connected;
  }

  get invalidationCount(): number {
    return this.#invalidations;
  }

  /** Cached queries updated by list patches, for tests and diagnostics. */
  get patchCount(): number {
    return this.#patches;
  }

  /** Stamps a fetched payload with the epoch current when the fetch began. */
  stamp<T extends { seq: number }>(fetch: Promise<T>): Promise<T & LiveData> {
    const epoch = this.#epoch;
    return fetch.then((body) => ({ ...body, epoch }));
  }

  registerPatcher(type: string, patcher: Patcher): void {
    this.#patchers.set(type, patcher);
  }

  /** Events of this type are applied to cached lists of their family with `patch` (see the class comment). */
  registerListPatch(type: string, patch: ListPatch): void {
    this.#listPatches.set(type, patch);
  }

  /** Stops watching the cache and drops a pending flush; subscribers unsubscribe themselves. */
  dispose(): void {
    this.#unsubscribeCache?.();
    this.#unsubscribeCache = null;
    if (this.#flushTimer !== null) this.#timers.clearTimeout(this.#flushTimer);
    this.#flushTimer = null;
    if (this.#patchTimer !== null) this.#timers.clearTimeout(this.#patchTimer);
    this.#patchTimer = null;
    this.#buffered = [];
  }

  // ------------------------------------------------------------ socket input

  setConnected(connected: boolean): void {
    if (connected === this.#connected) return;
    this.#applyBuffered();
    this.#connected = connected;
    // Every confirmation belongs to one stretch of connectivity.
    if (!connected) this.#session += 1;
    this.#notify();
  }

  /** The epoch from the handshake; a change voids every seq mark. */
  setEpoch(epoch: string | null): void {
    if (epoch === this.#epoch) return;
    // What is waiting belongs to the old epoch, like the data it would be applied to.
    this.#applyBuffered();
    this.#epoch = epoch;
    this.#marks.clear();
    this.#dirty.clear();
    this.#log = [];
    this.#barriers.clear();
  }

  handleEvent(event: CacheEvent): void {
    const listPatch = this.#listPatches.get(event.type);
    if (listPatch !== undefined && this.#epoch !== null) {
      this.#buffered.push({ event, patch: listPatch });
      this.#schedulePatch();
      return;
    }
    this.#applyBuffered();
    const keys = keysForEvent(event.type, event.data);
    // Not in the log: no query of these families can catch up past it.
    for (const key of keys) this.#raiseBarrier(key, event.seq);
    const patcher = this.#patchers.get(event.type);
    if (patcher !== undefined && patcher(this.#client, event, this.#epoch)) {
      // The patched list reflects the event; other families it touches still get marked.
      for (const key of keys.slice(1)) this.#mark(key, event.seq);
      return;
    }
    for (const key of keys) this.#mark(key, event.seq);
  }

  /**
   * A subscribe took effect at `seq`: events of those families up to `seq` may
   * have passed this connection unseen, so data older than that must be refetched.
   */
  handleSubscribed(patterns: readonly string[], seq: number | null): void {
    this.#applyBuffered();
    if (seq === null) return;
    for (const pattern of patterns) {
      for (const key of keysForPattern(pattern)) {
        this.#raiseBarrier(key, seq);
        this.#mark(key, seq);
      }
    }
  }

  /**
   * The daemon (or the handshake) says events may have been lost: every family
   * is treated as touched at `notice.seq`, so all data older than that (or from
   * another epoch) is refetched, including data a fetch already in flight will
   * bring (it is re-checked when it lands rather than cancelled).
   */
  async handleResync(notice: ResyncNotice): Promise<void> {
    this.#applyBuffered();
    this.setEpoch(notice.epoch);
    this.#confirmed.clear();
    for (const family of FAMILIES) {
      this.#raiseBarrier([family], notice.seq);
      this.#mark([family], notice.seq);
    }
    this.#notify();
    const session = this.#session;
    // Plain (non-live) queries have no seq to compare: refresh them outright.
    const plain = this.#client.invalidateQueries(
      { predicate: (q) => q.state.data !== undefined && !isLiveData(q.state.data) },
      { cancelRefetch: false },
    );
    await Promise.all([this.flushNow(), plain]);
    this.#confirmObserved(session);
    this.#afterSync(session);
  }

  /** Replay after a resume finished: refetch what the replayed events touched, confirm the rest. */
  async handleResumed(): Promise<void> {
    const session = this.#session;
    await this.flushNow();
    this.#confirmObserved(session);
    this.#afterSync(session);
  }

  /** Shown queries whose data nothing has overtaken are live as of now. */
  #confirmObserved(session: number): void {
    if (session !== this.#session || !this.#connected) return;
    for (const query of this.#client.getQueryCache().getAll()) {
      if (query.getObserversCount() > 0 && query.state.status === "success" && !this.needsRefetch(query)) {
        this.#confirmed.set(query.queryHash, session);
      }
    }
  }

  // ----------------------------------------------------------------- queries

  /** True when the query's data is known to miss an event (or is from another epoch). */
  needsRefetch(query: Query): boolean {
    const data = query.state.data;
    if (!isLiveData(data)) return false;
    if (this.#epoch !== null && data.epoch !== this.#epoch) return true;
    for (const mark of this.#marks.values()) {
      if (mark.seq > data.seq && partialMatchKey(query.queryKey, mark.key)) return true;
    }
    return false;
  }

  /** Whether what the cache shows for this key is not confirmed live. */
  isStale(queryKey: QueryKey): boolean {
    if (!this.#connected) return true;
    const query = this.#client.getQueryCache().get(hashKey(queryKey));
    if (query === undefined || query.state.data === undefined) return false;
    return this.#confirmed.get(query.queryHash) !== this.#session || this.needsRefetch(query);
  }

  /** Whether anything on screen (any observed query) is not confirmed live. */
  isAnyStale(): boolean {
    if (!this.#connected) return true;
    return this.#client
      .getQueryCache()
      .getAll()
      .some((q) => q.getObserversCount() > 0 && isLiveData(q.state.data) && this.isStale(q.queryKey));
  }

  /** Notified whenever staleness may have changed (for useSyncExternalStore). */
  subscribe = (listener: () => void): (() => void) => {
    this.#listeners.add(listener);
    return () => {
      this.#listeners.delete(listener);
    };
  };

  /** Runs the pending flush immediately; resolves when the refetches it started settled. */
  async flushNow(): Promise<void> {
    if (this.#flushTimer !== null) {
      this.#timers.clearTimeout(this.#flushTimer);
      this.#flushTimer = null;
    }
    await this.#flush();
  }

  // ----------------------------------------------------------------- private

  #mark(key: QueryKey, seq: number): void {
    const hash = hashKey(key);
    const mark = this.#marks.get(hash);
    if (mark === undefined) {
      this.#marks.set(hash, { key, seq });
    } else if (seq > mark.seq) {
      mark.seq = seq;
    } else {
      return;
    }
    this.#dirty.add(hash);
    this.#scheduleFlush();
  }

  #scheduleFlush(): void {
    if (this.#flushTimer !== null) return;
    const delay = Math.max(0, this.#lastFlushAt + this.#windowMs - this.#now());
    this.#flushTimer = this.#timers.setTimeout(() => {
      this.#flushTimer = null;
      void this.#flush();
    }, delay);
  }

  #flush(): Promise<void> {
    this.#applyBuffered();
    this.#lastFlushAt = this.#now();
    const cache = this.#client.getQueryCache();
    const pending: Promise<void>[] = [];
    const seen = new Set<string>();
    for (const hash of this.#dirty) {
      const mark = this.#marks.get(hash);
      if (mark === undefined) continue;
      for (const query of cache.findAll({ queryKey: mark.key })) {
        if (seen.has(query.queryHash)) continue;
        seen.add(query.queryHash);
        if (!this.needsRefetch(query)) continue;
        // Re-checked when the running fetch lands (#onFetched); cancelling it would starve the query in a storm.
        if (query.state.fetchStatus === "fetching") continue;
        this.#invalidations += 1;
        pending.push(
          this.#client.invalidateQueries({ queryKey: query.queryKey, exact: true }, { cancelRefetch: false }),
        );
      }
    }
    this.#dirty.clear();
    this.#notify();
    return Promise.all(pending).then(() => undefined);
  }

  #schedulePatch(): void {
    if (this.#patchTimer !== null) return;
    const delay = Math.max(0, this.#lastPatchAt + this.#patchWindowMs - this.#now());
    this.#patchTimer = this.#timers.setTimeout(() => {
      this.#patchTimer = null;
      this.#applyBuffered();
    }, delay);
  }

  /**
   * Logs the waiting events and brings every cached query they touch up to date
   * from the log where it can, then marks their families as any event would: a
   * query that took them now reflects the mark, every other one is refetched.
   */
  #applyBuffered(): void {
    if (this.#patchTimer !== null) this.#timers.clearTimeout(this.#patchTimer);
    this.#patchTimer = null;
    if (this.#buffered.length === 0) return;
    const batch = this.#buffered.map(({ event, patch }) => ({ event, patch, keys: keysForEvent(event.type, event.data) }));
    this.#buffered = [];
    this.#lastPatchAt = this.#now();
    for (const entry of batch) this.#log.push(entry);
    if (this.#log.length > this.#logLimit) {
      // What falls out of the log can no longer be replayed: data older than it must be refetched.
      for (const dropped of this.#log.splice(0, this.#log.length - this.#logLimit)) {
        for (const key of dropped.keys) this.#raiseBarrier(key, dropped.event.seq);
      }
    }
    const cache = this.#client.getQueryCache();
    const queries = new Map<string, Query>();
    for (const { keys } of batch) {
      for (const key of keys) for (const query of cache.findAll({ queryKey: key })) queries.set(query.queryHash, query);
    }
    for (const query of queries.values()) this.#catchUp(query);
    for (const { event, keys } of batch) for (const key of keys) this.#mark(key, event.seq);
  }

  /**
   * Applies the logged events above the query's seq to its data, when nothing
   * above that seq can be missing from the log. Returns whether the data is now
   * as current as the log (false: it needs a refetch).
   */
  #catchUp(query: Query): boolean {
    const data = query.state.data;
    if (!isLiveData(data) || data.epoch !== this.#epoch) return false;
    for (const barrier of this.#barriers.values()) {
      if (barrier.seq > data.seq && partialMatchKey(query.queryKey, barrier.key)) return false;
    }
    let start = this.#log.length;
    while (start > 0 && (this.#log[start - 1] as LoggedEvent).event.seq > data.seq) start -= 1;
    let next: unknown = data;
    let seq = data.seq;
    for (const { event, patch, keys } of this.#log.slice(start)) {
      if (!keys.some((key) => partialMatchKey(query.queryKey, key))) continue;
      next = patch(query.queryKey, next, event);
      if (next === undefined) return false;
      seq = event.seq;
    }
    if (seq === data.seq) return true;
    this.#patches += 1;
    this.#client.setQueryData(query.queryKey, { ...(next as object), seq, epoch: data.epoch });
    return true;
  }

  #raiseBarrier(key: QueryKey, seq: number): void {
    const hash = hashKey(key);
    const barrier = this.#barriers.get(hash);
    if (barrier === undefined) this.#barriers.set(hash, { key, seq });
    else if (seq > barrier.seq) barrier.seq = seq;
  }

  #onFetched(query: Query): void {
    // A response that predates events which arrived while it was in flight takes them from the log.
    const current = !this.needsRefetch(query) || (this.#catchUp(query) && !this.needsRefetch(query));
    if (!current) {
      // ... or, when the log cannot supply them all, is fetched again.
      for (const [hash, mark] of this.#marks) {
        if (partialMatchKey(query.queryKey, mark.key)) this.#dirty.add(hash);
      }
      this.#scheduleFlush();
    } else if (this.#connected) {
      this.#confirmed.set(query.queryHash, this.#session);
    }
    this.#notify();
  }

  /** After a successful reconnect and refetch: entries nobody shows and nobody re-confirmed are dropped. */
  #afterSync(session: number): void {
    if (session !== this.#session || !this.#connected) return;
    for (const query of this.#client.getQueryCache().getAll()) {
      if (
        query.getObserversCount() === 0 &&
        isLiveData(query.state.data) &&
        this.#confirmed.get(query.queryHash) !== session
      ) {
        this.#client.removeQueries({ queryKey: query.queryKey, exact: true });
      }
    }
    this.#notify();
  }

  #notify(): void {
    for (const listener of [...this.#listeners]) listener();
  }
}

/** The cache prefixes a subscription pattern keeps live. */
export function keysForPattern(raw: string): QueryKey[] {
  let pattern: ParsedPattern;
  try {
    pattern = parsePattern(raw);
  } catch {
    return [];
  }
  if (pattern.kind === "all") {
    return ["task.x", "worktree.x", "agent.x", "mcp.x", "session.x", "autonomous.x", "project.x"].flatMap((t) =>
      keysForEvent(t, null),
    );
  }
  const type = pattern.kind === "prefix" ? `${pattern.name}x` : pattern.name;
  let data: unknown = null;
  if (pattern.filter !== null) {
    // Rebuild the payload shape the filter reads, e.g. session_id for one transcript.
    data = pattern.filter.path.reduceRight<unknown>((inner, part) => ({ [part]: inner }), pattern.filter.value);
  }
  return keysForEvent(type, data);
}
