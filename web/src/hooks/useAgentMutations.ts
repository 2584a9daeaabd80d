/** Start and cancel agent runs, each with its idempotency key; failures toast (see lib/mutations.ts). */
import type { ApiResult } from "../lib/api";
import { mutationKeys, type CancelAgentVars, type StartAgentVars } from "../lib/mutations";
import type { AgentRun } from "../lib/ws/generated";
import { useKeyedMutation, type KeyedMutation } from "./useTaskMutations";

export function useStartAgent(): KeyedMutation<ApiResult<AgentRun>, StartAgentVars> {
  return useKeyedMutation<ApiResult<AgentRun>, StartAgentVars>(mutationKeys.startAgent);
}

export function useCancelAgent(): KeyedMutation<ApiResult<AgentRun>, CancelAgentVars> {
  return useKeyedMutation<ApiResult<AgentRun>, CancelAgentVars>(mutationKeys.cancelAgent);
}
