/** Contexts shared by the data hooks: the socket client and the cache sync bound to it. */
import { createContext, useContext } from "react";
import type { LiveSync } from "../lib/liveSync";
import type { TidewireSocket } from "../lib/ws/client";

export interface DataContextValue {
  readonly socket: TidewireSocket;
  readonly liveSync: LiveSync;
}

export const DataContext = createContext<DataContextValue | null>(null);

export function useDataContext(): DataContextValue {
  const value = useContext(DataContext);
  if (value === null) throw new Error("Tidewire data hooks must be used inside <WebSocketProvider>");
  return value;
}

export function useSocket(): TidewireSocket {
  return useDataContext().socket;
}

export function useLiveSync(): LiveSync {
  return useDataContext().liveSync;
}
