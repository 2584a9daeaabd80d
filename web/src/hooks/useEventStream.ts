/**
 * useEventStream(patterns): the Events page's own subscription on the shared socket, and the
 * frames it has received, bounded (lib/events/frameLog.ts), with pause and resume.
 *
 * It holds its patterns through the socket's reference-counted set (useEvents), so it costs
 * the other views nothing and their subscriptions nothing to it; the frames those bring in
 * for themselves are matched against this page's patterns and left out, so the list shows
 * exactly what the box asked for.
 *
 * Renders are coalesced to one per SNAPSHOT_MS while frames stream in (a burst of
 * `session.message` must not re-render the list once per frame); pause, resume and clear
 * show at once.
 */
import { useCallback, useEffect, useMemo, useState, useSyncExternalStore } from "react";
import { FrameLog, type FrameLogSnapshot } from "../lib/events/frameLog";
import type { TidewireSocket } from "../lib/ws/client";
import type { EventFrame, ResyncNotice } from "../lib/ws/types";
import { useDataContext } from "./context";
import { useEvents } from "./useEvents";

const SNAPSHOT_MS = 50;

export interface EventStream {
  readonly snapshot: FrameLogSnapshot<EventFrame>;
  readonly pause: () => void;
  readonly resume: () => void;
  readonly clear: () => void;
  /** The last time the socket said events were skipped for good (a gap too old, a new epoch, an overflow). */
  readonly skipped: ResyncNotice | null;
  /**
   * Connected, and the daemon has confirmed every pattern (or another view already held it):
   * from then on a matching event reaches the list.
   */
  readonly live: boolean;
}

export function useEventStream(patterns: readonly string[], enabled = true, capacity?: number): EventStream {
  const { socket } = useDataContext();
  const [log] = useState(() => new FrameLog<EventFrame>(capacity));
  const [skippedFor, setSkipped] = useState<{ key: string; notice: ResyncNotice } | null>(null);
  const [store] = useState(() => coalesced(log));

  // Declared before useEvents, so it runs before that adds the patterns: what is active
  // already (held by another view) will get no `subscribed` reply of its own.
  const key = JSON.stringify(patterns);
  const [confirmations] = useState(() => new Confirmations());
  useEffect(() => confirmations.watch(socket, key), [socket, key, confirmations]);
  const confirmed = useSyncExternalStore(confirmations.subscribe, confirmations.getSnapshot);
  const connected = useSyncExternalStore(socket.subscribeSnapshot, () => socket.state === "connected");
  const live = enabled && connected && confirmed.key === key && patterns.every((p) => confirmed.names.has(p));

  useEvents(patterns, (frame) => log.push(frame), { enabled });

  // Another pattern set is another stream: what the old one brought in is not what is asked for now.
  useEffect(() => {
    log.clear();
    store.flush();
  }, [key, log, store]);

  useEffect(
    () =>
      socket.on("resync", (notice) => {
        // "fresh" is the first connection: nothing was missed by this page then.
        if (notice.reason !== "fresh") setSkipped({ key, notice });
      }),
    [socket, key],
  );
  const skipped = skippedFor !== null && skippedFor.key === key ? skippedFor.notice : null;

  const snapshot = useSyncExternalStore(store.subscribe, store.getSnapshot);
  const pause = useCallback(() => {
    log.pause();
    store.flush();
  }, [log, store]);
  const resume = useCallback(() => {
    log.resume();
    store.flush();
  }, [log, store]);
  const clear = useCallback(() => {
    log.clear();
    store.flush();
    setSkipped(null);
  }, [log, store]);
  return useMemo(
    () => ({ snapshot, pause, resume, clear, skipped, live }),
    [snapshot, pause, resume, clear, skipped, live],
  );
}

/** The log as an external store whose snapshot moves at most once per SNAPSHOT_MS, unless flushed. */
function coalesced(log: FrameLog<EventFrame>) {
  let shown = log.getSnapshot();
  let timer: ReturnType<typeof setTimeout> | null = null;
  const listeners = new Set<() => void>();
  const publish = () => {
    if (timer !== null) clearTimeout(timer);
    timer = null;
    const next = log.getSnapshot();
    if (next === shown) return;
    shown = next;
    for (const listener of [...listeners]) listener();
  };
  let off: (() => void) | null = null;
  return {
    getSnapshot: () => shown,
    flush: publish,
    subscribe(listener: () => void): () => void {
      listeners.add(listener);
      off ??= log.subscribe(() => {
        timer ??= setTimeout(publish, SNAPSHOT_MS);
      });
      // A change between the render and this subscription is not missed.
      publish();
      return () => {
        listeners.delete(listener);
        if (listeners.size === 0) {
          off?.();
          off = null;
          if (timer !== null) clearTimeout(timer);
          timer = null;
        }
      };
    },
  };
}

interface Confirmed {
  readonly key: string;
  readonly names: ReadonlySet<string>;
}

/**
 * Which of the page's patterns the daemon has confirmed (`subscribed`) since the pattern set
 * or the connection last changed; the patterns another view held already count as confirmed.
 */
class Confirmations {
  #snapshot: Confirmed = { key: "", names: new Set() };
  readonly #listeners = new Set<() => void>();

  watch(socket: TidewireSocket, key: string): () => void {
    const held = socket.state === "connected" ? socket.activeSubscriptions : [];
    this.#set({ key, names: new Set(held) });
    const offSubscribed = socket.on("subscribed", ({ events }) =>
      this.#set({ key, names: new Set([...this.#snapshot.names, ...events]) }),
    );
    const offState = socket.on("state", (state) => {
      // After a reconnect the whole set is subscribed, and confirmed, again.
      if (state !== "connected") this.#set({ key, names: new Set() });
    });
    return () => {
      offSubscribed();
      offState();
    };
  }

  getSnapshot = (): Confirmed => this.#snapshot;

  subscribe = (listener: () => void): (() => void) => {
    this.#listeners.add(listener);
    return () => {
      this.#listeners.delete(listener);
    };
  };

  #set(next: Confirmed): void {
    this.#snapshot = next;
    for (const listener of [...this.#listeners]) listener();
  }
}
