/**
 * Everything the data hooks need, in the right order: the persisted
 * QueryClient, then the socket provider. After the persisted cache is restored,
 * mutations queued before a reload are resumed (they wait, paused, until the
 * daemon socket is up, then run in order).
 */
import { useState, type ReactNode } from "react";
import type { QueryClient } from "@tanstack/react-query";
import { createPersistOptions, createQueryClient } from "../lib/queryClient";
import { PersistedCacheProvider } from "./PersistedCacheProvider";
import { WebSocketProvider, type WebSocketProviderProps } from "./useWebSocket";

export interface TidewireProviderProps extends Omit<WebSocketProviderProps, "children"> {
  readonly children?: ReactNode;
  readonly queryClient?: QueryClient;
  /** Where the cache is persisted (default localStorage). */
  readonly storage?: Storage;
}

export function TidewireProvider({ children, queryClient, storage, ...socketProps }: TidewireProviderProps) {
  const [client] = useState(() => queryClient ?? createQueryClient());
  const [persistOptions] = useState(() => createPersistOptions(storage));
  return (
    <PersistedCacheProvider client={client} persistOptions={persistOptions}>
      <WebSocketProvider {...socketProps}>{children}</WebSocketProvider>
    </PersistedCacheProvider>
  );
}
