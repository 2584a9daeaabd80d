/**
 * useEventHandler: routes socket events to the query cache. Task events refetch
 * ['tasks'], session events ['sessions'], agent events ['agents'], MCP events
 * ['mcp-servers'], worktree events ['worktrees'] -- coalesced, skipped when the
 * cached data's seq already covers the event, and never overwritten by a fetch
 * that started before the event (see lib/liveSync.ts).
 *
 * WebSocketProvider mounts it already; calling it again elsewhere is harmless.
 */
import { useEffect } from "react";
import { attachLiveSync } from "../lib/eventWiring";
import { useDataContext } from "./context";

export function useEventHandler(): void {
  const { socket, liveSync } = useDataContext();
  useEffect(() => attachLiveSync(socket, liveSync), [socket, liveSync]);
}
