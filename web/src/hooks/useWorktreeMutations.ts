/** Claim, release, merge and delete worktrees, each with its idempotency key (see lib/worktreeMutations.ts). */
import type { ApiResult } from "../lib/api";
import {
  worktreeMutationKeys,
  type ClaimWorktreeVars,
  type DeleteWorktreeVars,
  type WorktreeVars,
} from "../lib/worktreeMutations";
import type { Worktree } from "../lib/ws/generated";
import { useKeyedMutation, type KeyedMutation } from "./useTaskMutations";

export function useClaimWorktree(): KeyedMutation<ApiResult<Worktree>, ClaimWorktreeVars> {
  return useKeyedMutation<ApiResult<Worktree>, ClaimWorktreeVars>(worktreeMutationKeys.claim);
}

export function useReleaseWorktree(): KeyedMutation<ApiResult<Worktree>, WorktreeVars> {
  return useKeyedMutation<ApiResult<Worktree>, WorktreeVars>(worktreeMutationKeys.release);
}

export function useMergeWorktree(): KeyedMutation<ApiResult<Worktree>, WorktreeVars> {
  return useKeyedMutation<ApiResult<Worktree>, WorktreeVars>(worktreeMutationKeys.merge);
}

export function useDeleteWorktree(): KeyedMutation<ApiResult<Worktree>, DeleteWorktreeVars> {
  return useKeyedMutation<ApiResult<Worktree>, DeleteWorktreeVars>(worktreeMutationKeys.remove);
}
