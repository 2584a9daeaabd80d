/** Autonomous loops, live (`autonomous.*`): the list, one loop, and a loop's finished iterations. */
import { useQueries } from "@tanstack/react-query";
import { api } from "../lib/api";
import type { LiveList } from "../lib/liveData";
import { FAMILY_PATTERNS, queryKeys } from "../lib/queryKeys";
import type { AutonomousLoop, LoopIteration } from "../lib/ws/generated";
import { useDataContext } from "./context";
import { useLiveQuery, type LiveQueryResult } from "./useLiveQuery";
import type { LiveItem } from "./useSessionsLive";
import { useSubscription } from "./useWebSocket";

export function useLoopsLive(): LiveQueryResult<LiveList<AutonomousLoop>> & { readonly loops: AutonomousLoop[] } {
  const query = useLiveQuery<LiveList<AutonomousLoop>>({
    queryKey: queryKeys.loops.list(),
    patterns: FAMILY_PATTERNS.autonomous,
    fetch: (signal) => api.listLoops(signal),
  });
  return Object.assign(query, { loops: query.data?.items ?? [] });
}

export function useLoopLive(id: string): LiveQueryResult<LiveItem<AutonomousLoop>> & { readonly loop: AutonomousLoop | undefined } {
  const query = useLiveQuery<LiveItem<AutonomousLoop>>({
    queryKey: queryKeys.loops.detail(id),
    patterns: FAMILY_PATTERNS.autonomous,
    fetch: async (signal) => {
      const { data, seq } = await api.getLoop(id, signal);
      return { item: data, seq: seq ?? 0 };
    },
    enabled: id.length > 0,
  });
  return Object.assign(query, { loop: query.data?.item });
}

export function useLoopIterationsLive(
  id: string,
): LiveQueryResult<LiveList<LoopIteration>> & { readonly iterations: LoopIteration[] } {
  const query = useLiveQuery<LiveList<LoopIteration>>({
    queryKey: queryKeys.loops.iterations(id),
    patterns: FAMILY_PATTERNS.autonomous,
    fetch: (signal) => api.listLoopIterations(id, signal),
    enabled: id.length > 0,
  });
  return Object.assign(query, { iterations: query.data?.items ?? [] });
}

/**
 * The finished iterations of several loops at once (the loops the Agents view's runs belong
 * to), keyed by loop id; a loop still loading is missing from the map.
 */
export function useIterationsOfLoops(loopIds: readonly string[]): ReadonlyMap<string, readonly LoopIteration[]> {
  const { liveSync } = useDataContext();
  useSubscription(FAMILY_PATTERNS.autonomous, loopIds.length > 0);
  return useQueries({
    queries: loopIds.map((id) => ({
      queryKey: queryKeys.loops.iterations(id),
      queryFn: ({ signal }: { signal: AbortSignal }) =>
        liveSync.stamp(api.listLoopIterations(id, signal)) as Promise<LiveList<LoopIteration>>,
    })),
    combine: (results) => {
      const map = new Map<string, readonly LoopIteration[]>();
      results.forEach((r, i) => {
        if (r.data?.items) map.set(loopIds[i] as string, r.data.items);
      });
      return map;
    },
  });
}
