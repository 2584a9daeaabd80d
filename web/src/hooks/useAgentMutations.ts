/** Start and cancel agent runs; failures toast (see lib/mutations.ts). */
import { useMutation, type UseMutationResult } from "@tanstack/react-query";
import type { ApiResult, StartAgentInput } from "../lib/api";
import { mutationKeys, type CancelAgentVars } from "../lib/mutations";
import type { AgentRun } from "../lib/ws/generated";

export function useStartAgent(): UseMutationResult<ApiResult<AgentRun>, Error, StartAgentInput> {
  return useMutation<ApiResult<AgentRun>, Error, StartAgentInput>({ mutationKey: mutationKeys.startAgent });
}

export function useCancelAgent(): UseMutationResult<ApiResult<AgentRun>, Error, CancelAgentVars> {
  return useMutation<ApiResult<AgentRun>, Error, CancelAgentVars>({ mutationKey: mutationKeys.cancelAgent });
}
