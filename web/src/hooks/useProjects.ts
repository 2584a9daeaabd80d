/** Projects and daemon health: plain queries (no events change them while the app runs). */
import { useQuery } from "@tanstack/react-query";
import { api, type HealthBody, type ListBody } from "../lib/api";
import { queryKeys } from "../lib/queryKeys";
import type { Project } from "../lib/ws/generated";

export function useProjects() {
  return useQuery<ListBody<Project>>({
    queryKey: queryKeys.projects.list(),
    queryFn: ({ signal }) => api.listProjects(signal),
    staleTime: 30_000,
  });
}

export function useHealth() {
  return useQuery<HealthBody>({
    queryKey: queryKeys.health,
    queryFn: async ({ signal }) => (await api.health(signal)).data,
    staleTime: 10_000,
    meta: { persist: false },
  });
}
