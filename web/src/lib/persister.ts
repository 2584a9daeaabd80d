/**
 * The localStorage persister for the query cache.
 *
 * Written here rather than taken from @tanstack/query-sync-storage-persister
 * because that one only throttles: a change made in the last `throttleMs` before
 * the page goes away is lost, and with it a change the user queued while the
 * daemon was down. This one keeps the throttle for the bulk of the cache (ten
 * thousand tasks are megabytes of JSON) but writes at once whenever the queued
 * (paused) mutations change, and writes whatever is waiting when the page is
 * hidden or left (`visibilitychange` to hidden, `pagehide`).
 *
 * Changes still in flight are stored too, marked paused: after a reload nothing is running
 * any more, and a paused change is what the restored client resumes. Its request may or may
 * not have reached the daemon; it carries its idempotency key, so sending it again is safe.
 */
import {
  removeOldestQuery,
  type PersistedClient,
  type Persister,
} from "@tanstack/react-query-persist-client";
import type { Timers, TimerHandle } from "./ws/types";

export interface FlushingPersister extends Persister {
  /** Writes the latest state now, if a write is waiting. */
  flush(): void;
  /** Flushes when the page is hidden or unloaded; returns a function that stops it. */
  bindPageLifecycle(win?: Window, doc?: Document): () => void;
}

export interface FlushingPersisterOptions {
  readonly storage: Pick<Storage, "getItem" | "setItem" | "removeItem"> | undefined;
  readonly key: string;
  /** At most one write per this many ms, except for the immediate ones described above. */
  readonly throttleMs: number;
  readonly timers?: Timers;
}

const browserTimers: Timers = {
  setTimeout: (fn, ms) => globalThis.setTimeout(fn, ms),
  clearTimeout: (h) => globalThis.clearTimeout(h as ReturnType<typeof setTimeout>),
};

/** A persisted client whose pending changes all resume when it is restored. */
export function asResumable(client: PersistedClient): PersistedClient {
  const mutations = client.clientState.mutations;
  const resumable = (m: (typeof mutations)[number]) => m.state === undefined || m.state.isPaused;
  if (mutations.every(resumable)) return client;
  return {
    ...client,
    clientState: {
      ...client.clientState,
      mutations: mutations.map((m) => (resumable(m) ? m : { ...m, state: { ...m.state, isPaused: true } })),
    },
  };
}

/** What identifies the queued mutations in a persisted client: a change here is written at once. */
function mutationSignature(client: PersistedClient): string {
  return JSON.stringify(client.clientState.mutations);
}

export function createFlushingPersister(options: FlushingPersisterOptions): FlushingPersister {
  const { storage, key, throttleMs } = options;
  const timers = options.timers ?? browserTimers;
  let pending: PersistedClient | undefined;
  let timer: TimerHandle | null = null;
  let writtenMutations = mutationSignature({ timestamp: 0, buster: "", clientState: { mutations: [], queries: [] } });

  const write = (): void => {
    if (timer !== null) timers.clearTimeout(timer);
    timer = null;
    const client = pending;
    pending = undefined;
    if (client === undefined || storage === undefined) return;
    // On a full storage drop the oldest queries until it fits: queued mutations are what matters.
    let attempt: PersistedClient | undefined = client;
    for (let errorCount = 1; attempt !== undefined; errorCount += 1) {
      try {
        storage.setItem(key, JSON.stringify(attempt));
        writtenMutations = mutationSignature(attempt);
        return;
      } catch (error) {
        attempt = removeOldestQuery({ persistedClient: attempt, error: error as Error, errorCount });
      }
    }
  };

  return {
    persistClient(client) {
      client = asResumable(client);
      pending = client;
      if (mutationSignature(client) !== writtenMutations) {
        write();
        return;
      }
      if (timer === null) timer = timers.setTimeout(write, throttleMs);
    },
    restoreClient() {
      const raw = storage?.getItem(key);
      if (raw === null || raw === undefined) return undefined;
      return JSON.parse(raw) as PersistedClient;
    },
    removeClient() {
      pending = undefined;
      if (timer !== null) timers.clearTimeout(timer);
      timer = null;
      storage?.removeItem(key);
    },
    flush: write,
    bindPageLifecycle(win: Window = window, doc: Document = document) {
      const onHidden = () => {
        if (doc.visibilityState === "hidden") write();
      };
      win.addEventListener("pagehide", write);
      doc.addEventListener("visibilitychange", onHidden);
      return () => {
        win.removeEventListener("pagehide", write);
        doc.removeEventListener("visibilitychange", onHidden);
      };
    },
  };
}
