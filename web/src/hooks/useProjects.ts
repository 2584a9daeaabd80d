/** Projects, live (`project.*` events patch the cached list), and daemon health (a plain query). */
import { useQuery } from "@tanstack/react-query";
import { api, type HealthBody } from "../lib/api";
import type { LiveList } from "../lib/liveData";
import { FAMILY_PATTERNS, queryKeys } from "../lib/queryKeys";
import type { Project } from "../lib/ws/generated";
import { useLiveQuery, type LiveQueryResult } from "./useLiveQuery";

export type ProjectsLiveResult = LiveQueryResult<LiveList<Project>> & { readonly projects: Project[] };

export function useProjects(options: { enabled?: boolean } = {}): ProjectsLiveResult {
  const query = useLiveQuery<LiveList<Project>>({
    queryKey: queryKeys.projects.list(),
    patterns: FAMILY_PATTERNS.projects,
    fetch: (signal) => api.listProjects(signal),
    enabled: options.enabled,
  });
  return Object.assign(query, { projects: query.data?.items ?? [] });
}

export function useHealth() {
  return useQuery<HealthBody>({
    queryKey: queryKeys.health,
    queryFn: async ({ signal }) => (await api.health(signal)).data,
    staleTime: 10_000,
    meta: { persist: false },
  });
}
