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

/**
 * Which real task each placeholder became: `tmp_…` -> `tsk_…`, newest last. Kept in the query
 * cache (so it is persisted with the queued changes that still name a placeholder) under a
 * key outside every entity family, so no event handling or cache drop touches it.
 */
export const CREATED_IDS_KEY = ["optimistic", "created-ids"] as const;
const CREATED_IDS_CAP = 500;

export interface CreatedIds {
  readonly pairs: readonly (readonly [string, string])[];
}

export function createdIds(client: QueryClient): ReadonlyMap<string, string> {
  const data = client.getQueryData<CreatedIds>(CREATED_IDS_KEY);
  return new Map(data?.pairs ?? []);
}

export function recordCreated(client: QueryClient, tempId: string, id: string): void {
  client.setQueryData<CreatedIds>(CREATED_IDS_KEY, (data) => {
    const pairs = (data?.pairs ?? []).filter(([temp]) => temp !== tempId);
    return { pairs: [...pairs, [tempId, id] as const].slice(-CREATED_IDS_CAP) };
  });
}

/** The id a change should be sent to: a placeholder's real id once it exists, else undefined. */
export function resolveTaskId(created: ReadonlyMap<string, string>, id: string): string | undefined {
  return isTempId(id) ? created.get(id) : id;
}

/** Overlay of pending changes on fetched rows, so a refetch during a mutation does not flicker the row back. */
export interface PendingTaskChange {
  readonly id: string;
  readonly status?: TaskStatus;
  /** Field edits (title, description, priority, labels) not yet confirmed. */
  readonly fields?: TaskFieldChanges;
  readonly create?: Task;
}

/** The fields an edit in the task detail changes. */
export type TaskFieldChanges = Partial<Pick<Task, "title" | "description" | "priority" | "labels">>;

/** Whether a row already shows every edited field (so nothing needs overlaying or restoring). */
export function showsFields(task: Task, fields: TaskFieldChanges): boolean {
  return Object.entries(fields).every(([name, value]) => JSON.stringify(task[name as keyof Task]) === JSON.stringify(value));
}

// A placeholder made at T matches a real row created from T minus this much (clocks of the
// browser and the daemon may differ a little, and the daemon's timestamps are whole seconds).
const CLOCK_SLACK_MS = 5_000;

function normalisedLabels(labels: readonly string[]): string {
  return JSON.stringify([...new Set(labels.map((l) => l.trim()))]);
}

/**
 * Whether `row` is what the daemon made of `placeholder`: same fields as the daemon stores them,
 * created no earlier than the placeholder. Used only while the create's reply is on its way (its
 * `task.created` event may come first), so the row shows once; the reply then names the row.
 */
export function isCreatedFrom(placeholder: Task, row: Task, created: ReadonlyMap<string, string>): boolean {
  if (isTempId(row.id) || row.status !== "open") return false;
  if (row.title !== placeholder.title.trim()) return false;
  if (row.description !== placeholder.description || row.priority !== placeholder.priority) return false;
  const parent = placeholder.parent_id === null ? null : (resolveTaskId(created, placeholder.parent_id) ?? placeholder.parent_id);
  if (row.parent_id !== parent) return false;
  if (placeholder.project_id !== null && row.project_id !== placeholder.project_id) return false;
  if (normalisedLabels(row.labels) !== normalisedLabels(placeholder.labels)) return false;
  return Date.parse(row.created_at) >= Date.parse(placeholder.created_at) - CLOCK_SLACK_MS;
}

/**
 * The rows to show: fetched rows with pending status changes applied, and a placeholder for each
 * task being created -- one row per task, whether the create's event or its reply comes first.
 * Changes made on a placeholder apply to the real row once it is known. Also returns the ids of
 * the rows shown as pending.
 */
export function resolvePending(
  items: readonly Task[],
  pending: readonly PendingTaskChange[],
  created: ReadonlyMap<string, string> = new Map(),
): { tasks: Task[]; pendingIds: Set<string> } {
  if (pending.length === 0) return { tasks: items as Task[], pendingIds: new Set() };
  const realOf = new Map<string, string>();
  const claimed = new Set<string>();
  for (const change of pending) {
    const real = isTempId(change.id) ? created.get(change.id) : undefined;
    if (real !== undefined) {
      realOf.set(change.id, real);
      claimed.add(real);
    }
  }
  for (const change of pending) {
    const placeholder = change.create;
    if (placeholder === undefined || realOf.has(change.id)) continue;
    const match = items.find((row) => !claimed.has(row.id) && isCreatedFrom(placeholder, row, created));
    if (match !== undefined) {
      realOf.set(change.id, match.id);
      claimed.add(match.id);
    }
  }
  const target = (id: string) => realOf.get(id) ?? id;
  const overlay = (t: Task): Task => {
    const status = statusById.get(t.id);
    const fields = fieldsById.get(t.id);
    let out = status !== undefined && status !== t.status ? { ...t, status } : t;
    if (fields !== undefined && !showsFields(out, fields)) out = { ...out, ...fields };
    return out;
  };
  const statusById = new Map<string, TaskStatus>();
  const fieldsById = new Map<string, TaskFieldChanges>();
  const creates: Task[] = [];
  const pendingIds = new Set<string>();
  for (const change of pending) {
    const id = target(change.id);
    pendingIds.add(id);
    if (change.status !== undefined) statusById.set(id, change.status);
    if (change.fields !== undefined) fieldsById.set(id, { ...fieldsById.get(id), ...change.fields });
    if (change.create !== undefined && !realOf.has(change.id)) creates.push(change.create);
  }
  const present = new Set(items.map((t) => t.id));
  const out: Task[] = [];
  for (const t of items) {
    // A placeholder left in a cached list whose real row is known is the same task: show it once.
    if (realOf.has(t.id) && present.has(target(t.id))) continue;
    const shown = realOf.has(t.id) ? { ...t, id: target(t.id) } : t;
    out.push(overlay(shown));
  }
  const missing = creates.filter((t) => !present.has(t.id)).map(overlay);
  return { tasks: missing.length > 0 ? [...missing, ...out] : out, pendingIds };
}

/** The rows of `resolvePending`, for callers that do not need the pending ids. */
export function applyPending(
  items: readonly Task[],
  pending: readonly PendingTaskChange[],
  created: ReadonlyMap<string, string> = new Map(),
): Task[] {
  return resolvePending(items, pending, created).tasks;
}
