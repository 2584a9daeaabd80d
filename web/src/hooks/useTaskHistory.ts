/**
 * A task's history, live: its entries from the daemon's event log, refreshed by `task.*`
 * events. Each refresh reads only the log after what it already has, so an open panel costs
 * one small request per change, not a re-read of the whole log.
 */
import { useQueryClient, type QueryClient } from "@tanstack/react-query";
import { api } from "../lib/api";
import type { LiveData } from "../lib/liveData";
import { FAMILY_PATTERNS } from "../lib/queryKeys";
import { historyEntries, type HistoryEntry } from "../lib/taskHistory";
import { useLiveQuery, type LiveQueryResult } from "./useLiveQuery";

export interface TaskHistory extends LiveData {
  readonly items: HistoryEntry[];
  /** The log this was read from, and the oldest event it still held: earlier ones are gone. */
  readonly logEpoch: string;
  readonly oldestSeq: number;
}

export const EVENT_PAGE = 1000;
// The log holds `retain` events (10,000 by default); this bounds a first read of a larger one.
const MAX_PAGES = 50;

export const taskHistoryKey = (id: string) => ["tasks", "history", id] as const;

async function readHistory(
  client: QueryClient,
  id: string,
  signal: AbortSignal,
): Promise<Omit<TaskHistory, "epoch">> {
  const previous = client.getQueryData<TaskHistory>(taskHistoryKey(id));
  const fresh = await readFrom(previous?.seq ?? 0, id, signal);
  // Another log (the daemon's epoch changed), or ours has moved past what we had read: read
  // again from what it holds now.
  if (previous === undefined || (fresh.logEpoch === previous.logEpoch && !fresh.gap)) {
    return { ...fresh, items: [...(previous?.items ?? []), ...fresh.items] };
  }
  return readFrom(0, id, signal);
}

async function readFrom(
  after: number,
  id: string,
  signal: AbortSignal,
): Promise<Omit<TaskHistory, "epoch"> & { gap: boolean }> {
  let items: HistoryEntry[] = [];
  let seq = after;
  let logEpoch = "";
  let oldestSeq = 1;
  let gap = false;
  for (let page = 0; page < MAX_PAGES; page++) {
    const { data } = await api.listEvents(seq, EVENT_PAGE, signal);
    if (page === 0) {
      logEpoch = data.epoch;
      gap = after > 0 && after < data.oldest_seq - 1;
    }
    oldestSeq = data.oldest_seq;
    items = items.concat(historyEntries(data.items, id));
    const last = data.items[data.items.length - 1];
    // A short page is the end of the log: what we have reflects the head it reported.
    if (data.items.length < EVENT_PAGE || last === undefined) {
      seq = Math.max(seq, data.seq);
      break;
    }
    seq = last.seq;
  }
  return { items, seq, logEpoch, oldestSeq, gap };
}

export function useTaskHistory(id: string): LiveQueryResult<TaskHistory> {
  const client = useQueryClient();
  return useLiveQuery<TaskHistory>({
    queryKey: taskHistoryKey(id),
    patterns: FAMILY_PATTERNS.tasks,
    fetch: (signal) => readHistory(client, id, signal),
  });
}
