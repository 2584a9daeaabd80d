/**
 * Claim, release, merge and delete worktrees. Claim, release and delete are optimistic, like
 * the task status changes: every cached worktree list shows the new status at once and takes
 * it back, with a toast saying why, when the daemon refuses. A merge is not: it is git work
 * that may conflict, so the row shows it pending and changes when the daemon has merged.
 */
import type { QueryClient } from "@tanstack/react-query";
import { toast } from "sonner";
import { api, ApiError, type ApiResult } from "./api";
import { isLiveData, type LiveList } from "./liveData";
import type { Keyed } from "./mutations";
import { queryKeys } from "./queryKeys";
import type { Worktree } from "./ws/generated";

export const worktreeMutationKeys = {
  claim: ["worktrees", "claim"] as const,
  release: ["worktrees", "release"] as const,
  merge: ["worktrees", "merge"] as const,
  remove: ["worktrees", "delete"] as const,
};

export interface WorktreeVars extends Keyed {
  readonly id: string;
  /** For the failure toast: the branch when the change was made. */
  readonly branch: string;
}

export interface ClaimWorktreeVars extends WorktreeVars {
  readonly owner: string;
}

export interface DeleteWorktreeVars extends WorktreeVars {
  readonly force: boolean;
}

interface WorktreeContext {
  /** Each cached list's row as it was, by list key. */
  readonly before: ReadonlyArray<readonly [readonly unknown[], Worktree]>;
  /** The row as the change shows it, so a rollback never undoes something newer. */
  readonly shown: Partial<Worktree>;
}

function describe(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  return error instanceof Error ? error.message : String(error);
}

/** Patches the worktree in every cached list (all projects, one project); returns the rows it replaced. */
function patch(client: QueryClient, id: string, fields: Partial<Worktree>): WorktreeContext {
  const before: (readonly [readonly unknown[], Worktree])[] = [];
  for (const [key, list] of client.getQueriesData<LiveList<Worktree>>({ queryKey: queryKeys.worktrees.all })) {
    if (!isLiveData(list) || !Array.isArray(list.items)) continue;
    const row = list.items.find((w) => w.id === id);
    if (row === undefined) continue;
    before.push([key, row]);
    client.setQueryData<LiveList<Worktree>>(key, {
      ...list,
      items: list.items.map((w) => (w.id === id ? { ...w, ...fields } : w)),
    });
  }
  return { before, shown: fields };
}

function rollback(client: QueryClient, id: string, context: WorktreeContext | undefined): void {
  for (const [key, row] of context?.before ?? []) {
    const list = client.getQueryData<LiveList<Worktree>>(key);
    if (!isLiveData(list) || !Array.isArray(list.items)) continue;
    const shown = context?.shown ?? {};
    const stillOurs = (w: Worktree) =>
      (Object.keys(shown) as (keyof Worktree)[]).every((k) => w[k] === shown[k]);
    client.setQueryData<LiveList<Worktree>>(key, {
      ...list,
      items: list.items.map((w) => (w.id === id && stillOurs(w) ? row : w)),
    });
  }
}

export function registerWorktreeMutationDefaults(client: QueryClient): void {
  const refresh = () => client.invalidateQueries({ queryKey: queryKeys.worktrees.all });
  const optimistic = <V extends WorktreeVars>(fields: (vars: V) => Partial<Worktree>) => async (vars: V) => {
    await client.cancelQueries({ queryKey: queryKeys.worktrees.all });
    return patch(client, vars.id, fields(vars));
  };

  client.setMutationDefaults(worktreeMutationKeys.claim, {
    mutationFn: (vars: ClaimWorktreeVars): Promise<ApiResult<Worktree>> => api.claimWorktree(vars.id, vars.owner, vars.key),
    onMutate: optimistic<ClaimWorktreeVars>((vars) => ({ status: "claimed", owner: vars.owner })),
    onError: (error: unknown, vars: ClaimWorktreeVars, context: WorktreeContext | undefined) => {
      rollback(client, vars.id, context);
      toast.error(`Could not claim ${vars.branch}: ${describe(error)}`);
    },
    onSettled: refresh,
  });

  client.setMutationDefaults(worktreeMutationKeys.release, {
    mutationFn: (vars: WorktreeVars): Promise<ApiResult<Worktree>> => api.releaseWorktree(vars.id, vars.key),
    onMutate: optimistic<WorktreeVars>(() => ({ status: "active", owner: null })),
    onError: (error: unknown, vars: WorktreeVars, context: WorktreeContext | undefined) => {
      rollback(client, vars.id, context);
      toast.error(`Could not release ${vars.branch}: ${describe(error)}`);
    },
    onSettled: refresh,
  });

  client.setMutationDefaults(worktreeMutationKeys.merge, {
    mutationFn: (vars: WorktreeVars): Promise<ApiResult<Worktree>> => api.mergeWorktree(vars.id, vars.key),
    onError: (error: unknown, vars: WorktreeVars) => {
      const conflict = error instanceof ApiError && error.code === "merge_conflict";
      // A conflict is the user's to resolve: say so first, then git's own words (the files).
      toast.error(
        conflict
          ? `Merge conflict: ${vars.branch} was not merged and the repository is unchanged. ${describe(error)}`
          : `Could not merge ${vars.branch}: ${describe(error)}`,
      );
    },
    onSettled: refresh,
  });

  client.setMutationDefaults(worktreeMutationKeys.remove, {
    mutationFn: (vars: DeleteWorktreeVars): Promise<ApiResult<Worktree>> =>
      api.deleteWorktree(vars.id, vars.force, vars.key),
    onMutate: optimistic<DeleteWorktreeVars>(() => ({ status: "deleted" })),
    onError: (error: unknown, vars: DeleteWorktreeVars, context: WorktreeContext | undefined) => {
      rollback(client, vars.id, context);
      toast.error(`Could not delete ${vars.branch}: ${describe(error)}`);
    },
    onSettled: refresh,
  });
}
