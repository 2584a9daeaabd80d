/** Agent runs, live (`agent.*`). */
import { api } from "../lib/api";
import type { LiveList } from "../lib/liveData";
import { FAMILY_PATTERNS, queryKeys } from "../lib/queryKeys";
import type { AgentRun } from "../lib/ws/generated";
import { useLiveQuery, type LiveQueryResult } from "./useLiveQuery";

export type AgentsLiveResult = LiveQueryResult<LiveList<AgentRun>> & { readonly agents: AgentRun[] };

export function useAgentsLive(options: { enabled?: boolean } = {}): AgentsLiveResult {
  const query = useLiveQuery<LiveList<AgentRun>>({
    queryKey: queryKeys.agents.list(),
    patterns: FAMILY_PATTERNS.agents,
    fetch: (signal) => api.listAgents(signal),
    enabled: options.enabled,
  });
  return Object.assign(query, { agents: query.data?.items ?? [] });
}
