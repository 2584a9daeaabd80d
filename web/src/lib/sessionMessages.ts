/**
 * session.message events are appended to the cached transcript instead of
 * refetching it: messages only ever grow at the end, so an event whose index is
 * exactly the next one extends the list, an index already present is a repeat,
 * and anything else is a gap that needs a refetch.
 */
import type { QueryClient } from "@tanstack/react-query";
import type { SessionMessage } from "./ws/generated";
import type { CacheEvent } from "./liveSync";
import { isLiveData, type LiveList } from "./liveData";
import { queryKeys } from "./queryKeys";

export function appendSessionMessage(client: QueryClient, event: CacheEvent, epoch: string | null): boolean {
  const message = event.data as SessionMessage;
  if (typeof message?.session_id !== "string" || typeof message.index !== "number") return false;
  const key = queryKeys.sessionMessages.list(message.session_id);
  const current = client.getQueryData<LiveList<SessionMessage>>(key);
  // Not fetched yet: let the mark make a fetch already in flight be checked against this event.
  if (current === undefined) return false;
  if (!isLiveData(current) || current.epoch !== epoch) return false;
  if (event.seq <= current.seq) return true;
  const last = current.items.length === 0 ? -1 : (current.items[current.items.length - 1]?.index ?? -1);
  if (message.index <= last) return true;
  if (message.index !== last + 1) return false;
  client.setQueryData<LiveList<SessionMessage>>(key, {
    items: [...current.items, message],
    seq: event.seq,
    epoch: current.epoch,
  });
  return true;
}
