import { createContext, useContext, useEffect, useState, useSyncExternalStore, type ReactNode } from "react";
import { useEvents } from "../hooks/useEvents";
import { useConnectionState } from "../hooks/useWebSocket";
import { api, apiFetch } from "../lib/api";
import { isServerFrame } from "../lib/ws/generated";
import type { EventFrame } from "../lib/ws/types";
import { ActivityStore, type ActivitySnapshot } from "./activityStore";

const ActivityContext = createContext<ActivityStore | null>(null);

// Everything broad, plus the high-volume names that `*` deliberately leaves out.
const PATTERNS = ["*", "mcp.tool_called"];

/** Listens to every event once for the whole app and feeds the shared activity counters. */
export function ActivityProvider({ children }: { children: ReactNode }): React.JSX.Element {
  const [store] = useState(() => new ActivityStore());
  useEffect(() => () => store.dispose(), [store]);
  useEvents(PATTERNS, (event) => store.record(event));

  // The feed starts with the last events from the daemon's log, so the dashboard is not
  // empty after a reload; fetched once per page, when the daemon is first reachable.
  const state = useConnectionState();
  const [seeded, setSeeded] = useState(false);
  useEffect(() => {
    if (seeded || state !== "connected") return undefined;
    const controller = new AbortController();
    void loadRecent(controller.signal)
      .then((events) => {
        store.seed(events);
        setSeeded(true);
      })
      .catch(() => {
        // History is a nicety; live events still flow without it. An abort is not a failure.
        if (!controller.signal.aborted) store.seed([]);
      });
    return () => controller.abort();
  }, [seeded, state, store]);
  return <ActivityContext.Provider value={store}>{children}</ActivityContext.Provider>;
}

const HISTORY = 30;

async function loadRecent(signal: AbortSignal): Promise<EventFrame[]> {
  const { data: health } = await api.health(signal);
  const { data } = await apiFetch<{ items: unknown[] }>("/api/events", {
    query: { after_seq: Math.max(0, health.seq - HISTORY), limit: HISTORY },
    signal,
  });
  // Frames from the log get the same check as frames from the socket.
  return data.items.filter((f): f is EventFrame => isServerFrame(f) && f.type.includes("."));
}

const EMPTY: ActivitySnapshot = { toolCalls: 0, eventTick: 0, recent: [], callsByServer: {}, historyLoaded: false };
const noopSubscribe = (): (() => void) => () => undefined;

export function useActivity(): ActivitySnapshot {
  const store = useContext(ActivityContext);
  return useSyncExternalStore(
    store?.subscribe ?? noopSubscribe,
    store?.getSnapshot ?? (() => EMPTY),
    store?.getSnapshot ?? (() => EMPTY),
  );
}
