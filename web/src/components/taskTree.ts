import type { Task, TaskStatus } from "../views/data";

export interface TaskRowModel {
  task: Task;
  depth: number;
  childCount: number;
  expanded: boolean;
}

export type TaskSort = "priority" | "newest";

export interface TaskFilter {
  status: TaskStatus | "all" | "not_closed";
  text: string;
}

const STATUS_ORDER: Record<TaskStatus, number> = { in_progress: 0, open: 1, blocked: 2, closed: 3 };

export function compareTasks(sort: TaskSort): (a: Task, b: Task) => number {
  return (a, b) => {
    if (sort === "priority") {
      const s = STATUS_ORDER[a.status] - STATUS_ORDER[b.status];
      if (s !== 0) return s;
      if (a.priority !== b.priority) return a.priority - b.priority;
    }
    // ISO timestamps compare correctly as strings; id breaks ties so the order is total.
    if (a.created_at !== b.created_at) return a.created_at < b.created_at ? 1 : -1;
    return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
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

function matches(task: Task, filter: TaskFilter): boolean {
  if (filter.status === "not_closed" && task.status === "closed") return false;
  if (filter.status !== "all" && filter.status !== "not_closed" && task.status !== filter.status) return false;
  const text = filter.text.trim().toLowerCase();
  if (text && !task.title.toLowerCase().includes(text) && !task.id.toLowerCase().includes(text)) return false;
  return true;
}

/**
 * The rows the list shows, in order. Without a filter the tasks form a tree (subtasks under
 * their parent, shown when the parent is expanded); with a filter the matches are listed
 * flat so none hides under a collapsed parent. Linear in the number of tasks plus a sort.
 */
export function visibleRows(
  tasks: readonly Task[],
  expanded: ReadonlySet<string>,
  filter: TaskFilter,
  sort: TaskSort,
): TaskRowModel[] {
  const cmp = compareTasks(sort);
  const filtering = filter.status !== "all" || filter.text.trim() !== "";
  const children = childrenByParent(tasks);
  if (filtering) {
    return tasks
      .filter((t) => matches(t, filter))
      .sort(cmp)
      .map((task) => ({ task, depth: 0, childCount: children.get(task.id)?.length ?? 0, expanded: false }));
  }
  for (const bucket of children.values()) bucket.sort(cmp);
  const rows: TaskRowModel[] = [];
  const seen = new Set<string>();
  // Iterative walk: deep subtask chains must not overflow the call stack.
  const stack: { task: Task; depth: number }[] = [];
  const roots = children.get(null) ?? [];
  for (let i = roots.length - 1; i >= 0; i--) stack.push({ task: roots[i]!, depth: 0 });
  while (stack.length > 0) {
    const { task, depth } = stack.pop()!;
    if (seen.has(task.id)) continue;
    seen.add(task.id);
    const kids = children.get(task.id) ?? [];
    const isOpen = expanded.has(task.id);
    rows.push({ task, depth, childCount: kids.length, expanded: isOpen && kids.length > 0 });
    if (isOpen) for (let i = kids.length - 1; i >= 0; i--) stack.push({ task: kids[i]!, depth: depth + 1 });
  }
  return rows;
}

export function countByStatus(tasks: readonly Task[]): Record<TaskStatus, number> {
  const counts: Record<TaskStatus, number> = { open: 0, in_progress: 0, blocked: 0, closed: 0 };
  for (const t of tasks) counts[t.status] += 1;
  return counts;
}
