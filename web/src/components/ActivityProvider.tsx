import { createContext, useContext, useEffect, useState, useSyncExternalStore, type ReactNode } from "react";
import { useEvents } from "../hooks/useEvents";
import { ActivityStore, type ActivitySnapshot } from "./activityStore";

const ActivityContext = createContext<ActivityStore | null>(null);

// Everything broad, plus the high-volume names that `*` deliberately leaves out.
const PATTERNS = ["*", "mcp.tool_called"];

/** Listens to every event once for the whole app and feeds the shared activity counters. */
export function ActivityProvider({ children }: { children: ReactNode }): React.JSX.Element {
  const [store] = useState(() => new ActivityStore());
  useEffect(() => () => store.dispose(), [store]);
  useEvents(PATTERNS, (event) => store.record(event));
  return <ActivityContext.Provider value={store}>{children}</ActivityContext.Provider>;
}

const EMPTY: ActivitySnapshot = { toolCalls: 0, eventTick: 0, recent: [], callsByServer: {} };
const noopSubscribe = (): (() => void) => () => undefined;

export function useActivity(): ActivitySnapshot {
  const store = useContext(ActivityContext);
  return useSyncExternalStore(
    store?.subscribe ?? noopSubscribe,
    store?.getSnapshot ?? (() => EMPTY),
    store?.getSnapshot ?? (() => EMPTY),
  );
}
