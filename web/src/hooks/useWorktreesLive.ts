/** Worktrees, live (`worktree.*`), optionally for one project. */
import { api } from "../lib/api";
import type { LiveList } from "../lib/liveData";
import { FAMILY_PATTERNS, queryKeys } from "../lib/queryKeys";
import type { Worktree } from "../lib/ws/generated";
import { useLiveQuery, type LiveQueryResult } from "./useLiveQuery";

export type WorktreesLiveResult = LiveQueryResult<LiveList<Worktree>> & { readonly worktrees: Worktree[] };

export function useWorktreesLive(projectId?: string, options: { enabled?: boolean } = {}): WorktreesLiveResult {
  const query = useLiveQuery<LiveList<Worktree>>({
    queryKey: queryKeys.worktrees.list(projectId),
    patterns: FAMILY_PATTERNS.worktrees,
    fetch: (signal) => api.listWorktrees(projectId, signal),
    enabled: options.enabled,
  });
  return Object.assign(query, { worktrees: query.data?.items ?? [] });
}
