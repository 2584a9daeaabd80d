import { QueryClient } from "@tanstack/react-query";
import { keepNewest } from "./liveData";
import { LiveSync, type LiveSyncOptions } from "./liveSync";
import { ManualClock } from "./ws/testkit";

export interface SyncHarness {
  readonly client: QueryClient;
  readonly clock: ManualClock;
  readonly sync: LiveSync;
}

/**
 * A LiveSync for cache tests, already live in epoch "ep", on its own QueryClient and a
 * manual clock. The client never refetches on its own (no staleness, no retries), so every
 * fetch a test counts was asked for by the LiveSync or the test.
 */
export function createSyncHarness(options: Omit<LiveSyncOptions, "timers" | "now"> = {}): SyncHarness {
  const client = new QueryClient({
    defaultOptions: { queries: { staleTime: Infinity, retry: false, structuralSharing: keepNewest } },
  });
  const clock = new ManualClock();
  const sync = new LiveSync(client, { ...options, timers: clock, now: () => clock.now });
  sync.setEpoch("ep");
  sync.setConnected(true);
  return { client, clock, sync };
}
