/**
 * Reconnect and remove MCP servers, optimistically like the project changes: the row shows
 * `connecting` (or is gone) at once and is put back, with a toast saying why, when the
 * daemon refuses. Defaults by mutation key (see mutations.ts), so a queued change survives
 * a reload.
 */
import type { QueryClient } from "@tanstack/react-query";
import { toast } from "sonner";
import { api, ApiError, type ApiResult } from "./api";
import { isLiveData, type LiveList } from "./liveData";
import type { Keyed } from "./mutations";
import { queryKeys } from "./queryKeys";
import type { McpServer } from "./ws/generated";

export const mcpMutationKeys = {
  reconnect: ["mcp-servers", "reconnect"] as const,
  remove: ["mcp-servers", "remove"] as const,
};

export interface McpServerVars extends Keyed {
  readonly name: string;
}

interface McpContext {
  /** The row as it was before the change; null when it was not in the list. */
  readonly before: McpServer | null;
  readonly index: number;
}

const listKey = queryKeys.mcpServers.list();

function describe(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  return error instanceof Error ? error.message : String(error);
}

/** Rewrites the cached server list (when there is one). */
function edit(client: QueryClient, change: (items: McpServer[]) => McpServer[]): void {
  const list = client.getQueryData<LiveList<McpServer>>(listKey);
  if (!isLiveData(list) || !Array.isArray(list.items)) return;
  client.setQueryData<LiveList<McpServer>>(listKey, { ...list, items: change(list.items.slice()) });
}

function snapshot(client: QueryClient, name: string): McpContext {
  const items = client.getQueryData<LiveList<McpServer>>(listKey)?.items ?? [];
  const index = items.findIndex((s) => s.name === name);
  return { before: index < 0 ? null : (items[index] as McpServer), index };
}

export function registerMcpMutationDefaults(client: QueryClient): void {
  const refresh = () => client.invalidateQueries({ queryKey: queryKeys.mcpServers.all });

  client.setMutationDefaults(mcpMutationKeys.reconnect, {
    mutationFn: (vars: McpServerVars): Promise<ApiResult<McpServer>> => api.reconnectMcpServer(vars.name, vars.key),
    onMutate: async (vars: McpServerVars): Promise<McpContext> => {
      await client.cancelQueries({ queryKey: queryKeys.mcpServers.all });
      const context = snapshot(client, vars.name);
      edit(client, (items) =>
        items.map((s) => (s.name === vars.name ? { ...s, state: "connecting", next_attempt_at: null } : s)),
      );
      return context;
    },
    onError: (error: unknown, vars: McpServerVars, context: McpContext | undefined) => {
      const before = context?.before ?? null;
      // Put the old state back unless an event has changed the row since.
      if (before !== null) {
        edit(client, (items) => items.map((s) => (s.name === vars.name && s.state === "connecting" ? before : s)));
      }
      toast.error(`Could not reconnect ${vars.name}: ${describe(error)}`);
    },
    onSettled: refresh,
  });

  client.setMutationDefaults(mcpMutationKeys.remove, {
    mutationFn: (vars: McpServerVars): Promise<ApiResult<McpServer>> => api.removeMcpServer(vars.name, vars.key),
    onMutate: async (vars: McpServerVars): Promise<McpContext> => {
      await client.cancelQueries({ queryKey: queryKeys.mcpServers.all });
      const context = snapshot(client, vars.name);
      edit(client, (items) => items.filter((s) => s.name !== vars.name));
      return context;
    },
    onError: (error: unknown, vars: McpServerVars, context: McpContext | undefined) => {
      const before = context?.before ?? null;
      if (before !== null) {
        edit(client, (items) => {
          if (items.some((s) => s.name === vars.name)) return items;
          items.splice(Math.min(context?.index ?? items.length, items.length), 0, before);
          return items;
        });
      }
      toast.error(`Could not remove ${vars.name}: ${describe(error)}`);
    },
    onSettled: refresh,
  });
}
