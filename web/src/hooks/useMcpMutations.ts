/** Reconnect and remove MCP servers, each with its idempotency key (see lib/mcpMutations.ts). */
import type { ApiResult } from "../lib/api";
import { mcpMutationKeys, type McpServerVars } from "../lib/mcpMutations";
import type { McpServer } from "../lib/ws/generated";
import { useKeyedMutation, type KeyedMutation } from "./useTaskMutations";

export function useReconnectMcpServer(): KeyedMutation<ApiResult<McpServer>, McpServerVars> {
  return useKeyedMutation<ApiResult<McpServer>, McpServerVars>(mcpMutationKeys.reconnect);
}

export function useRemoveMcpServer(): KeyedMutation<ApiResult<McpServer>, McpServerVars> {
  return useKeyedMutation<ApiResult<McpServer>, McpServerVars>(mcpMutationKeys.remove);
}
