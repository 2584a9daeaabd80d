import type { Task, TaskStatus } from "../views/data";

export const BOARD_COLUMNS: readonly { readonly status: TaskStatus; readonly label: string }[] = [
  { status: "open", label: "Open" },
  { status: "in_progress", label: "In progress" },
  { status: "blocked", label: "Blocked" },
  { status: "closed", label: "Closed" },
];

const COLUMN_PREFIX = "column:";
export const columnId = (status: TaskStatus): string => `${COLUMN_PREFIX}${status}`;

/** The status a drop on this target means, or null when it was dropped on nothing (or its own column). */
export function statusForDrop(task: Task, overId: string | number | null | undefined): TaskStatus | null {
  if (typeof overId !== "string" || !overId.startsWith(COLUMN_PREFIX)) return null;
  const status = overId.slice(COLUMN_PREFIX.length) as TaskStatus;
  if (!BOARD_COLUMNS.some((c) => c.status === status) || status === task.status) return null;
  return status;
}

/** The tasks of each column, in the order given. */
export function groupByStatus(tasks: readonly Task[]): Record<TaskStatus, Task[]> {
  const out: Record<TaskStatus, Task[]> = { open: [], in_progress: [], blocked: [], closed: [] };
  for (const t of tasks) out[t.status].push(t);
  return out;
}
