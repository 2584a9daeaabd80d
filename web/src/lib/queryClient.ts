/**
 * The app's QueryClient and its localStorage persister (lib/persister.ts).
 *
 * Live queries never go stale by time (events drive their refetches), the
 * network mode follows onlineManager, which the socket provider points at the
 * daemon connection, and mutations share one scope so a queue built up while
 * the daemon was down replays in order.
 */
import { defaultShouldDehydrateQuery, QueryClient, type Query } from "@tanstack/react-query";
import type { PersistQueryClientProviderProps } from "@tanstack/react-query-persist-client";
import { keepNewest } from "./liveData";
import { MUTATION_SCOPE, registerMutationDefaults, retryOnNetworkError } from "./mutations";
import { ApiError } from "./api";
import { createFlushingPersister, type FlushingPersister } from "./persister";

/** Bump when the shape of cached data changes: older persisted caches are then discarded. */
export const CACHE_BUSTER = "tidewire-cache-v1";
export const CACHE_MAX_AGE_MS = 24 * 60 * 60 * 1000;
export const CACHE_STORAGE_KEY = "tidewire.query-cache";

export function createQueryClient(): QueryClient {
  const client = new QueryClient({
    defaultOptions: {
      queries: {
        staleTime: Number.POSITIVE_INFINITY,
        // A persisted entry must outlive the persister's maxAge or it would be dropped before it is useful.
        gcTime: CACHE_MAX_AGE_MS,
        structuralSharing: keepNewest,
        networkMode: "online",
        refetchOnWindowFocus: false,
        retry: (failureCount, error) =>
          failureCount < 3 && !(error instanceof ApiError && error.status >= 400 && error.status < 500),
      },
      mutations: {
        networkMode: "online",
        scope: { id: MUTATION_SCOPE },
        retry: retryOnNetworkError,
      },
    },
  });
  registerMutationDefaults(client);
  return client;
}

/** Storage may be missing (private mode, some WebViews); the app then simply does not persist. */
function safeLocalStorage(): Storage | undefined {
  try {
    return globalThis.localStorage ?? undefined;
  } catch {
    return undefined;
  }
}

/** The options PersistQueryClientProvider takes, with the persister that can be flushed. */
export type PersistOptions = PersistQueryClientProviderProps["persistOptions"] & {
  readonly persister: FlushingPersister;
};

export function shouldPersistQuery(query: Query): boolean {
  return defaultShouldDehydrateQuery(query) && query.meta?.persist !== false;
}

export function createPersistOptions(
  storage: Storage | undefined = safeLocalStorage(),
  /** Cache writes are batched: at most one localStorage write per this many ms (queued changes excepted). */
  throttleMs = 500,
): PersistOptions {
  const persister = createFlushingPersister({ storage, key: CACHE_STORAGE_KEY, throttleMs });
  return {
    persister,
    maxAge: CACHE_MAX_AGE_MS,
    buster: CACHE_BUSTER,
    dehydrateOptions: {
      shouldDehydrateQuery: shouldPersistQuery,
      // Every change not yet answered: queued while disconnected, or in flight (its reply may be
      // lost with the page). The persister stores them paused, so they resume after a reload,
      // with their idempotency keys.
      shouldDehydrateMutation: (mutation) => mutation.state.status === "pending",
    },
  };
}
