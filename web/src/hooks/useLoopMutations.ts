/** Start and stop autonomous loops, each with its idempotency key (see lib/loopMutations.ts). */
import type { ApiResult } from "../lib/api";
import { loopMutationKeys, type StartLoopVars, type StopLoopVars } from "../lib/loopMutations";
import type { AutonomousLoop } from "../lib/ws/generated";
import { useKeyedMutation, type KeyedMutation } from "./useTaskMutations";

export function useStartLoop(): KeyedMutation<ApiResult<AutonomousLoop>, StartLoopVars> {
  return useKeyedMutation<ApiResult<AutonomousLoop>, StartLoopVars>(loopMutationKeys.start);
}

export function useStopLoop(): KeyedMutation<ApiResult<AutonomousLoop>, StopLoopVars> {
  return useKeyedMutation<ApiResult<AutonomousLoop>, StopLoopVars>(loopMutationKeys.stop);
}
