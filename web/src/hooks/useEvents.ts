/**
 * useEvents(patterns, callback): calls `callback` for every event matching one
 * of the patterns (same syntax as the daemon: names, `prefix.*`, `*`,
 * `name:field=value`), holding a subscription for them while mounted. Meant for
 * UI feedback (toasts, activity pulses); cache updates happen without it.
 *
 * Events replayed after a resume are delivered too; the socket drops seqs it
 * has already seen, so a callback never sees one event twice.
 */
import { useEffect, useEffectEvent, useMemo } from "react";
import { parsePattern, matchesAny } from "../lib/ws/patterns";
import { HIGH_VOLUME_EVENTS } from "../lib/ws/generated";
import type { EventFrame } from "../lib/ws/types";
import { useDataContext } from "./context";
import { useSubscription } from "./useWebSocket";

const HIGH_VOLUME: ReadonlySet<string> = new Set<string>(HIGH_VOLUME_EVENTS);

export interface UseEventsOptions {
  /** Also subscribe on the socket (default true). False: only listen to what others subscribed. */
  readonly subscribe?: boolean;
  readonly enabled?: boolean;
}

export function useEvents(
  patterns: readonly string[],
  callback: (event: EventFrame) => void,
  options: UseEventsOptions = {},
): void {
  const { socket } = useDataContext();
  const enabled = options.enabled ?? true;
  useSubscription(patterns, enabled && (options.subscribe ?? true));
  const key = JSON.stringify(patterns);
  const parsed = useMemo(() => (JSON.parse(key) as string[]).map(parsePattern), [key]);
  const onEvent = useEffectEvent((event: EventFrame) => callback(event));
  useEffect(() => {
    if (!enabled || parsed.length === 0) return undefined;
    return socket.on("event", (event) => {
      if (matchesAny(parsed, event.type, event.data, HIGH_VOLUME)) onEvent(event);
    });
  }, [socket, parsed, enabled]);
}
