/**
 * Pure functions for optimistic task rows: applying a change to every cached task
 * list, remembering what it replaced, and putting it back on failure.
 */
import type { QueryClient, QueryKey } from "@tanstack/react-query";
import type { Task } from "./ws/generated";
import type { LiveList } from "./liveData";
import { isLiveData } from "./liveData";
import { queryKeys } from "./queryKeys";
import type { CreateTaskInput, TaskStatus } from "./api";

export const TEMP_ID_PREFIX = "tmp_";

export function newTempId(random: () => number = Math.random): string {
  return `${TEMP_ID_PREFIX}${Date.now().toString(36)}${Math.floor(random() * 1e9).toString(36)}`;
}

export function isTempId(id: string): boolean {
  return id.startsWith(TEMP_ID_PREFIX);
}

/** What a task row looked like in each cached list before an optimistic change. */
export type RowSnapshot = [QueryKey, Task | null][];

function taskLists(client: QueryClient): [QueryKey, LiveList<Task>][] {
  return client
    .getQueriesData<LiveList<Task>>({ queryKey: [...queryKeys.tasks.all, "list"] })
    .filter((entry): entry is [QueryKey, LiveList<Task>] => isLiveData(entry[1]) && Array.isArray(entry[1].items));
}

/** Rewrites one task in every cached list; returns the rows it replaced. */
export function patchTaskRows(client: QueryClient, id: string, patch: (task: Task) => Task): RowSnapshot {
  const snapshot: RowSnapshot = [];
  for (const [key, list] of taskLists(client)) {
    const index = list.items.findIndex((t) => t.id === id);
    if (index < 0) continue;
    const before = list.items[index] as Task;
    snapshot.push([key, before]);
    const items = list.items.slice();
    items[index] = patch(before);
    client.setQueryData<LiveList<Task>>(key, { ...list, items });
  }
  return snapshot;
}

/** Puts back the rows of a snapshot, but only where the row still shows the optimistic value. */
export function restoreTaskRows(
  client: QueryClient,
  id: string,
  snapshot: RowSnapshot,
  stillOptimistic: (task: Task) => boolean,
): void {
  for (const [key, before] of snapshot) {
    const list = client.getQueryData<LiveList<Task>>(key);
    if (!isLiveData(list)) continue;
    const index = list.items.findIndex((t) => t.id === id);
    if (index < 0) continue;
    const current = list.items[index] as Task;
    if (!stillOptimistic(current)) continue; // newer server data arrived meanwhile: keep it
    const items = list.items.slice();
    if (before === null) items.splice(index, 1);
    else items[index] = before;
    client.setQueryData<LiveList<Task>>(key, { ...list, items });
  }
}

/** A placeholder row for a task being created. */
export function optimisticTask(tempId: string, input: CreateTaskInput, now: Date = new Date()): Task {
  const ts = now.toISOString().replace(/\.\d+Z$/u, "Z");
  return {
    id: tempId,
    project_id: input.project_id ?? null,
    title: input.title,
    description: input.description ?? "",
    status: "open",
    priority: input.priority ?? 2,
    labels: input.labels ?? [],
    parent_id: input.parent_id ?? null,
    created_at: ts,
    updated_at: ts,
    closed_at: null,
    closed_reason: null,
  };
}

/** Whether an optimistic new task belongs in a list fetched with these params. */
function fitsList(key: QueryKey, task: Task): boolean {
  const params = (key[2] ?? {}) as Record<string, string | undefined>;
  if (params.status !== undefined && params.status !== task.status) return false;
  if (params.project_id !== undefined && params.project_id !== task.project_id) return false;
  if (params.parent_id !== undefined && params.parent_id !== task.parent_id) return false;
  return true;
}

/** Adds a placeholder row to every cached list it belongs in. */
export function insertTaskRow(client: QueryClient, task: Task): RowSnapshot {
  const snapshot: RowSnapshot = [];
  for (const [key, list] of taskLists(client)) {
    if (!fitsList(key, task) || list.items.some((t) => t.id === task.id)) continue;
    snapshot.push([key, null]);
    client.setQueryData<LiveList<Task>>(key, { ...list, items: [task, ...list.items] });
  }
  return snapshot;
}

/** Replaces a placeholder row by the created task (unless the refetch already brought it in). */
export function replaceTempRow(client: QueryClient, tempId: string, task: Task): void {
  for (const [key, list] of taskLists(client)) {
    const index = list.items.findIndex((t) => t.id === tempId);
    if (index < 0) continue;
    const items = list.items.slice();
    if (list.items.some((t) => t.id === task.id)) items.splice(index, 1);
    else items[index] = task;
    client.setQueryData<LiveList<Task>>(key, { ...list, items });
  }
}

/** Overlay of pending changes on fetched rows, so a refetch during a mutation does not flicker the row back. */
export interface PendingTaskChange {
  readonly id: string;
  readonly status?: TaskStatus;
  readonly create?: Task;
}

export function applyPending(items: readonly Task[], pending: readonly PendingTaskChange[]): Task[] {
  if (pending.length === 0) return items as Task[];
  const statusById = new Map<string, TaskStatus>();
  const creates: Task[] = [];
  for (const change of pending) {
    if (change.status !== undefined) statusById.set(change.id, change.status);
    if (change.create !== undefined) creates.push(change.create);
  }
  const present = new Set(items.map((t) => t.id));
  const out = items.map((t) => {
    const status = statusById.get(t.id);
    return status !== undefined && status !== t.status ? { ...t, status } : t;
  });
  const missing = creates.filter((t) => !present.has(t.id));
  return missing.length > 0 ? [...missing, ...out] : out;
}
