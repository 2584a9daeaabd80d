/** Sessions, live: the list (`session.*` and hook events), one session, and its streaming transcript. */
import { api } from "../lib/api";
import type { LiveData, LiveList } from "../lib/liveData";
import { FAMILY_PATTERNS, queryKeys } from "../lib/queryKeys";
import type { Session, SessionMessage } from "../lib/ws/generated";
import { useLiveQuery, type LiveQueryResult } from "./useLiveQuery";

export type SessionsLiveResult = LiveQueryResult<LiveList<Session>> & { readonly sessions: Session[] };

export function useSessionsLive(options: { enabled?: boolean } = {}): SessionsLiveResult {
  const query = useLiveQuery<LiveList<Session>>({
    queryKey: queryKeys.sessions.list(),
    patterns: FAMILY_PATTERNS.sessions,
    fetch: (signal) => api.listSessions(signal),
    enabled: options.enabled,
  });
  return Object.assign(query, { sessions: query.data?.items ?? [] });
}

export interface LiveItem<T> extends LiveData {
  readonly item: T;
}

export type SessionLiveResult = LiveQueryResult<LiveItem<Session>> & { readonly session: Session | undefined };

export function useSessionLive(sessionId: string): SessionLiveResult {
  const query = useLiveQuery<LiveItem<Session>>({
    queryKey: queryKeys.sessions.detail(sessionId),
    patterns: FAMILY_PATTERNS.sessions,
    fetch: async (signal) => {
      const { data, seq } = await api.getSession(sessionId, signal);
      return { item: data, seq: seq ?? 0 };
    },
    enabled: sessionId.length > 0,
  });
  return Object.assign(query, { session: query.data?.item });
}

export type SessionMessagesLiveResult = LiveQueryResult<LiveList<SessionMessage>> & {
  readonly messages: SessionMessage[];
};

/**
 * One session's transcript, streaming: subscribes to its `session.message`
 * events (filtered by session id) and appends them as they arrive.
 */
export function useSessionMessagesLive(sessionId: string): SessionMessagesLiveResult {
  const query = useLiveQuery<LiveList<SessionMessage>>({
    queryKey: queryKeys.sessionMessages.list(sessionId),
    patterns: [`session.message:session_id=${sessionId}`],
    fetch: (signal) => api.listAllSessionMessages(sessionId, signal),
    enabled: sessionId.length > 0,
  });
  return Object.assign(query, { messages: query.data?.items ?? [] });
}
