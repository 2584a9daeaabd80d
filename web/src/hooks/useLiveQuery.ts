/**
 * useLiveQuery: a query whose data is kept current by socket events instead of
 * polling -- the query plus the subscription that keeps it live, in one hook.
 */
import { useCallback, useSyncExternalStore } from "react";
import { useQuery, type QueryKey, type UseQueryResult } from "@tanstack/react-query";
import type { LiveData } from "../lib/liveData";
import { useDataContext } from "./context";
import { useSubscription } from "./useWebSocket";

export interface LiveQueryOptions<T extends LiveData> {
  readonly queryKey: QueryKey;
  /** Patterns that keep this data live, e.g. ["task.*"]. */
  readonly patterns: readonly string[];
  /** Fetches the data with the seq it reflects. */
  readonly fetch: (signal: AbortSignal) => Promise<Omit<T, "epoch">>;
  readonly enabled?: boolean;
}

export type LiveQueryResult<T extends LiveData> = UseQueryResult<T> & {
  /** True while what is shown is not confirmed live (disconnected, or not yet refetched after a gap). */
  readonly isStale: boolean;
};

export function useLiveQuery<T extends LiveData>(options: LiveQueryOptions<T>): LiveQueryResult<T> {
  const { liveSync } = useDataContext();
  const enabled = options.enabled ?? true;
  useSubscription(options.patterns, enabled);
  const query = useQuery({
    queryKey: options.queryKey,
    queryFn: ({ signal }) => liveSync.stamp(options.fetch(signal)) as Promise<T>,
    enabled,
  });
  const isStale = useIsStale(options.queryKey);
  return Object.assign(query, { isStale });
}

/**
 * Without a key: whether anything shown is not confirmed live (for the global
 * stale indicator). With a key: whether that query's data is.
 */
export function useIsStale(queryKey?: QueryKey): boolean {
  const { liveSync } = useDataContext();
  const hash = queryKey === undefined ? null : JSON.stringify(queryKey);
  const get = useCallback(
    () => (hash === null ? liveSync.isAnyStale() : liveSync.isStale(JSON.parse(hash) as QueryKey)),
    [liveSync, hash],
  );
  return useSyncExternalStore(liveSync.subscribe, get, get);
}
