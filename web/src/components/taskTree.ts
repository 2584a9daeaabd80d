import type { Task, TaskStatus } from "../views/data";

export interface TaskRowModel {
  task: Task;
  depth: number;
  childCount: number;
  expanded: boolean;
  /** Shown only as the path to a match below it: the task itself does not pass the filter. */
  context?: boolean;
}

export type TaskSort = "priority" | "newest" | "oldest" | "updated" | "title";

export interface TaskFilter {
  status: TaskStatus | "all" | "not_closed";
  text: string;
  /** Only tasks of this priority (0 to 4); absent: any. */
  priority?: number;
  /** Only tasks carrying this label (compared without case); absent: any. */
  label?: string;
}

const STATUS_ORDER: Record<TaskStatus, number> = { in_progress: 0, open: 1, blocked: 2, closed: 3 };

const byCreated = (a: Task, b: Task): number => (a.created_at === b.created_at ? 0 : a.created_at < b.created_at ? -1 : 1);
const byId = (a: Task, b: Task): number => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

export function compareTasks(sort: TaskSort): (a: Task, b: Task) => number {
  return (a, b) => {
    let c = 0;
    switch (sort) {
      case "priority":
        c = STATUS_ORDER[a.status] - STATUS_ORDER[b.status] || a.priority - b.priority;
        break;
      case "oldest":
        c = byCreated(a, b);
        break;
      case "updated":
        c = a.updated_at === b.updated_at ? 0 : a.updated_at < b.updated_at ? 1 : -1;
        break;
      case "title":
        c = a.title.localeCompare(b.title, undefined, { sensitivity: "base", numeric: true });
        break;
      case "newest":
        break;
    }
    // ISO timestamps compare correctly as strings; newest first, then id, so the order is total.
    return c || -byCreated(a, b) || byId(a, b);
  };
}

export function childrenByParent(tasks: readonly Task[]): Map<string | null, Task[]> {
  const ids = new Set(tasks.map((t) => t.id));
  const map = new Map<string | null, Task[]>();
  for (const task of tasks) {
    // A subtask whose parent is not in the list (filtered out or not loaded) shows as a root.
    const key = task.parent_id !== null && ids.has(task.parent_id) ? task.parent_id : null;
    const bucket = map.get(key);
    if (bucket) bucket.push(task);
    else map.set(key, [task]);
  }
  return map;
}

export function isFiltering(filter: TaskFilter): boolean {
  return filter.status !== "all" || filter.text.trim() !== "" || filter.priority !== undefined || !!filter.label;
}

/** Whether a task passes the filter on its own (its parents and children play no part). */
export function matchesFilter(task: Task, filter: TaskFilter): boolean {
  if (filter.status === "not_closed" && task.status === "closed") return false;
  if (filter.status !== "all" && filter.status !== "not_closed" && task.status !== filter.status) return false;
  if (filter.priority !== undefined && task.priority !== filter.priority) return false;
  if (filter.label) {
    const wanted = filter.label.trim().toLowerCase();
    if (!task.labels.some((l) => l.toLowerCase() === wanted)) return false;
  }
  const text = filter.text.trim().toLowerCase();
  if (
    text &&
    !task.title.toLowerCase().includes(text) &&
    !task.id.toLowerCase().includes(text) &&
    !task.labels.some((l) => l.toLowerCase().includes(text))
  ) {
    return false;
  }
  return true;
}

/**
 * The rows the list shows, in order. Without a filter the tasks form a tree (subtasks under
 * their parent, shown when the parent is expanded). With a filter every match shows, each under
 * the chain of its parents (those that do not match themselves are marked `context`), so a
 * subtask never loses where it belongs and none hides under a collapsed parent.
 * Linear in the number of tasks plus a sort.
 */
export function visibleRows(
  tasks: readonly Task[],
  expanded: ReadonlySet<string>,
  filter: TaskFilter,
  sort: TaskSort,
): TaskRowModel[] {
  const cmp = compareTasks(sort);
  const children = childrenByParent(tasks);
  for (const bucket of children.values()) bucket.sort(cmp);
  if (!isFiltering(filter)) return walk(children, (id) => expanded.has(id), null);
  const byId = new Map(tasks.map((t) => [t.id, t]));
  const matched = new Set<string>();
  const shown = new Set<string>();
  for (const task of tasks) {
    if (!matchesFilter(task, filter)) continue;
    matched.add(task.id);
    // Climb to the root, stopping at a parent already shown; `shown` also guards against cycles.
    let current: Task | undefined = task;
    while (current !== undefined && !shown.has(current.id)) {
      shown.add(current.id);
      current = current.parent_id === null ? undefined : byId.get(current.parent_id);
    }
  }
  return walk(children, (id) => shown.has(id), shown).map((row) =>
    matched.has(row.task.id) ? row : { ...row, context: true },
  );
}

/**
 * Depth-first walk of the forest; `open(id)` says whether a task's subtasks are walked, `only`
 * (when given) which tasks appear at all. Iterative: deep subtask chains must not overflow the stack.
 */
function walk(
  children: ReadonlyMap<string | null, Task[]>,
  open: (id: string) => boolean,
  only: ReadonlySet<string> | null,
): TaskRowModel[] {
  const rows: TaskRowModel[] = [];
  const seen = new Set<string>();
  const keep = (t: Task): boolean => only === null || only.has(t.id);
  const stack: { task: Task; depth: number }[] = [];
  const roots = (children.get(null) ?? []).filter(keep);
  for (let i = roots.length - 1; i >= 0; i--) stack.push({ task: roots[i]!, depth: 0 });
  while (stack.length > 0) {
    const { task, depth } = stack.pop()!;
    if (seen.has(task.id)) continue;
    seen.add(task.id);
    const kids = children.get(task.id) ?? [];
    const isOpen = open(task.id);
    rows.push({ task, depth, childCount: kids.length, expanded: isOpen && kids.length > 0 });
    if (isOpen) {
      const next = kids.filter(keep);
      for (let i = next.length - 1; i >= 0; i--) stack.push({ task: next[i]!, depth: depth + 1 });
    }
  }
  return rows;
}

export function countByStatus(tasks: readonly Task[]): Record<TaskStatus, number> {
  const counts: Record<TaskStatus, number> = { open: 0, in_progress: 0, blocked: 0, closed: 0 };
  for (const t of tasks) counts[t.status] += 1;
  return counts;
}

/** How many tasks pass the filter (the context parents shown above matches do not count). */
export function countMatching(tasks: readonly Task[], filter: TaskFilter): number {
  if (!isFiltering(filter)) return tasks.length;
  let n = 0;
  for (const t of tasks) if (matchesFilter(t, filter)) n += 1;
  return n;
}

/** "12 of 2,007 tasks" while filtering, "2,007 tasks" otherwise. */
export function countLabel(matching: number, total: number, filtering: boolean): string {
  const fmt = (n: number): string => n.toLocaleString("en-US");
  const noun = total === 1 ? "task" : "tasks";
  return filtering ? `${fmt(matching)} of ${fmt(total)} ${noun}` : `${fmt(total)} ${noun}`;
}

/** Every label in use, sorted, for the label filter's choices. */
export function allLabels(tasks: readonly Task[]): string[] {
  const set = new Set<string>();
  for (const t of tasks) for (const l of t.labels) set.add(l);
  return [...set].sort((a, b) => a.localeCompare(b));
}
