/** Tasks, live: the list query, its `task.*` subscription, and optimistic rows marked pending. */
import { useMemo } from "react";
import { skipToken, useMutationState, useQuery, type Mutation } from "@tanstack/react-query";
import { api, type TaskListParams } from "../lib/api";
import type { LiveList } from "../lib/liveData";
import {
  mutationKeys,
  type CloseTaskVars,
  type CreateTaskVars,
  type UpdateTaskFieldsVars,
  type UpdateTaskStatusVars,
} from "../lib/mutations";
import {
  CREATED_IDS_KEY,
  optimisticTask,
  resolvePending,
  type CreatedIds,
  type PendingTaskChange,
} from "../lib/optimistic";
import { FAMILY_PATTERNS, queryKeys } from "../lib/queryKeys";
import type { Task } from "../lib/ws/generated";
import { useLiveQuery, type LiveQueryResult } from "./useLiveQuery";

export type TasksLiveResult = LiveQueryResult<LiveList<Task>> & {
  /** The rows to render: fetched rows with pending changes applied, placeholders for tasks being created. */
  readonly tasks: Task[];
  /** Ids of rows with a change not yet confirmed by the daemon (render data-pending="true"). */
  readonly pendingIds: ReadonlySet<string>;
  readonly isRowPending: (id: string) => boolean;
};

export function useTasksLive(params: TaskListParams = {}, options: { enabled?: boolean } = {}): TasksLiveResult {
  const query = useLiveQuery<LiveList<Task>>({
    queryKey: queryKeys.tasks.list(params),
    patterns: FAMILY_PATTERNS.tasks,
    fetch: (signal) => api.listTasks(params, signal),
    enabled: options.enabled,
  });
  const pending = usePendingTaskChanges();
  const created = useCreatedIds();
  const items = query.data?.items;
  const { tasks, pendingIds } = useMemo(() => resolvePending(items ?? [], pending, created), [items, pending, created]);
  return Object.assign(query, {
    tasks,
    pendingIds,
    isRowPending: (id: string) => pendingIds.has(id),
  });
}

/** Which real task each placeholder became (lib/optimistic.ts), as the cache has it now. */
export function useCreatedIds(): ReadonlyMap<string, string> {
  const { data } = useQuery<CreatedIds>({ queryKey: CREATED_IDS_KEY, queryFn: skipToken, meta: { persist: true } });
  return useMemo(() => new Map(data?.pairs ?? []), [data]);
}

/** Task changes that are in flight or queued while disconnected, oldest first. */
export function usePendingTaskChanges(): PendingTaskChange[] {
  const changes = useMutationState({
    filters: { mutationKey: queryKeys.tasks.all, status: "pending" },
    select: (mutation) => toPendingChange(mutation),
  });
  const key = JSON.stringify(changes);
  // Same content -> same array, so memoised rows do not recompute on unrelated cache traffic.
  return useMemo(
    () => (JSON.parse(key) as (PendingTaskChange | null)[]).filter((c): c is PendingTaskChange => c !== null),
    [key],
  );
}

function toPendingChange(mutation: Mutation<unknown, Error, unknown, unknown>): PendingTaskChange | null {
  const key = mutation.options.mutationKey;
  const vars = mutation.state.variables;
  if (key === undefined || vars === undefined || vars === null) return null;
  const name = String(key[1]);
  if (name === mutationKeys.updateTaskStatus[1]) {
    const v = vars as UpdateTaskStatusVars;
    return { id: v.id, status: v.status };
  }
  if (name === mutationKeys.updateTaskFields[1]) {
    const v = vars as UpdateTaskFieldsVars;
    return { id: v.id, fields: v.fields };
  }
  if (name === mutationKeys.closeTask[1]) {
    return { id: (vars as CloseTaskVars).id, status: "closed" };
  }
  if (name === mutationKeys.createTask[1]) {
    const v = vars as CreateTaskVars;
    return { id: v.tempId, create: optimisticTask(v.tempId, v.input, new Date(mutation.state.submittedAt || 0)) };
  }
  if (name === mutationKeys.expandTask[1]) {
    return { id: (vars as { id: string }).id };
  }
  return null;
}
