/**
 * Task events applied to cached task lists. Every task event carries the whole
 * record after the change (`data.task`), so a list can take it without a
 * refetch: the row is replaced where it is, added where the daemon would list
 * it (by creation time), or dropped when it no longer passes the list's filter
 * (a status-filtered list loses a task whose status moved away).
 *
 * Anything not understood -- a payload without a record, a list key with a
 * filter this file does not know -- answers undefined, and LiveSync refetches.
 */
import type { QueryKey } from "@tanstack/react-query";
import type { CacheEvent, ListPatch, LiveSync } from "./liveSync";
import type { LiveList } from "./liveData";
import type { Task } from "./ws/generated";

export const PATCHED_TASK_EVENTS = ["task.created", "task.updated", "task.closed", "task.expanded"] as const;

/** The list filters the REST API takes (GET /api/tasks), by the Task field each one compares. */
const FILTERS = {
  status: "status",
  project_id: "project_id",
  parent_id: "parent_id",
} as const satisfies Record<string, keyof Task>;

function isFilterName(name: string): name is keyof typeof FILTERS {
  return Object.hasOwn(FILTERS, name);
}

/** The task an event carries, when it has the shape of one. */
function eventTask(event: CacheEvent): Task | undefined {
  const task = (event.data as { task?: unknown } | null)?.task;
  if (typeof task !== "object" || task === null) return undefined;
  const { id, created_at: createdAt, status } = task as Partial<Task>;
  if (typeof id !== "string" || typeof createdAt !== "string" || typeof status !== "string") return undefined;
  return task as Task;
}

/** Whether a list fetched with these params holds the task; undefined for params this file does not know. */
function passes(params: unknown, task: Task): boolean | undefined {
  if (typeof params !== "object" || params === null) return undefined;
  for (const [name, value] of Object.entries(params as Record<string, unknown>)) {
    if (!isFilterName(name)) return undefined;
    if (String(task[FILTERS[name]]) !== String(value)) return false;
  }
  return true;
}

function createdMs(task: Task): number {
  const ms = Date.parse(task.created_at);
  return Number.isNaN(ms) ? Number.POSITIVE_INFINITY : ms;
}

/** Index to insert at so the list stays in the daemon's order (created_at, then insertion). */
function insertionIndex(items: readonly Task[], task: Task): number {
  const at = createdMs(task);
  let index = items.length;
  while (index > 0 && createdMs(items[index - 1] as Task) > at) index -= 1;
  return index;
}

export const applyTaskEvent: ListPatch = (queryKey: QueryKey, data: unknown, event: CacheEvent) => {
  if (queryKey[0] !== "tasks" || queryKey[1] !== "list") return undefined;
  const list = data as LiveList<Task>;
  if (!Array.isArray(list.items)) return undefined;
  const task = eventTask(event);
  if (task === undefined) return undefined;
  const belongs = passes(queryKey[2] ?? {}, task);
  if (belongs === undefined) return undefined;
  const index = list.items.findIndex((t) => t.id === task.id);
  if (!belongs && index < 0) return list;
  const items = list.items.slice();
  if (!belongs) items.splice(index, 1);
  else if (index >= 0) items[index] = task;
  else items.splice(insertionIndex(items, task), 0, task);
  return { ...list, items };
};

export function registerTaskPatches(sync: LiveSync): void {
  for (const type of PATCHED_TASK_EVENTS) sync.registerListPatch(type, applyTaskEvent);
}
