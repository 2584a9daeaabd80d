/** MCP servers, live: connection events and (high-volume, so named exactly) tool calls for the call counts. */
import { api } from "../lib/api";
import type { LiveList } from "../lib/liveData";
import { FAMILY_PATTERNS, queryKeys } from "../lib/queryKeys";
import type { McpServer } from "../lib/ws/generated";
import { useLiveQuery, type LiveQueryResult } from "./useLiveQuery";

export type MCPServersLiveResult = LiveQueryResult<LiveList<McpServer>> & { readonly servers: McpServer[] };

export function useMCPServersLive(options: { enabled?: boolean } = {}): MCPServersLiveResult {
  const query = useLiveQuery<LiveList<McpServer>>({
    queryKey: queryKeys.mcpServers.list(),
    patterns: FAMILY_PATTERNS["mcp-servers"],
    fetch: (signal) => api.listMcpServers(signal),
    enabled: options.enabled,
  });
  return Object.assign(query, { servers: query.data?.items ?? [] });
}
