/** Register, rename and remove projects, each with its idempotency key (see lib/projectMutations.ts). */
import type { ApiResult } from "../lib/api";
import {
  projectMutationKeys,
  type RegisterProjectVars,
  type RemoveProjectVars,
  type RenameProjectVars,
} from "../lib/projectMutations";
import type { Project } from "../lib/ws/generated";
import { useKeyedMutation, type KeyedMutation } from "./useTaskMutations";

export function useRegisterProject(): KeyedMutation<ApiResult<Project>, RegisterProjectVars> {
  return useKeyedMutation<ApiResult<Project>, RegisterProjectVars>(projectMutationKeys.register);
}

export function useRenameProject(): KeyedMutation<ApiResult<Project>, RenameProjectVars> {
  return useKeyedMutation<ApiResult<Project>, RenameProjectVars>(projectMutationKeys.rename);
}

export function useRemoveProject(): KeyedMutation<ApiResult<Project>, RemoveProjectVars> {
  return useKeyedMutation<ApiResult<Project>, RemoveProjectVars>(projectMutationKeys.remove);
}
