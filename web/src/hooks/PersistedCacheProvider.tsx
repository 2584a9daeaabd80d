/**
 * The QueryClient provider with the persisted cache: restores it, resumes the
 * mutations queued before a reload (they wait, paused, until the daemon socket
 * is up, then run in order), and writes what is waiting when the page is hidden
 * or left, so the last change before a reload is not lost to the write throttle.
 */
import { useEffect, type ReactNode } from "react";
import type { QueryClient } from "@tanstack/react-query";
import { PersistQueryClientProvider } from "@tanstack/react-query-persist-client";
import type { PersistOptions } from "../lib/queryClient";

export interface PersistedCacheProviderProps {
  readonly client: QueryClient;
  readonly persistOptions: PersistOptions;
  readonly children?: ReactNode;
}

export function PersistedCacheProvider({ client, persistOptions, children }: PersistedCacheProviderProps) {
  const { persister } = persistOptions;
  useEffect(() => persister.bindPageLifecycle(), [persister]);
  return (
    <PersistQueryClientProvider
      client={client}
      persistOptions={persistOptions}
      onSuccess={() => client.resumePausedMutations()}
    >
      {children}
    </PersistQueryClientProvider>
  );
}
