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

export interface Box {
  readonly left: number;
  readonly width: number;
}

/**
 * Where a keyboard drag goes on ArrowRight or ArrowLeft: the horizontal distance from the dragged
 * card's centre to the centre of the next column that way, or null at the edge. The board's
 * columns are side by side, so one arrow press is one column (the library's default step is a
 * few pixels, which would take a dozen presses to cross one).
 */
export function stepToColumn(columns: readonly Box[], cardCentre: number, direction: 1 | -1): number | null {
  const centres = columns.map((c) => c.left + c.width / 2).sort((a, b) => a - b);
  // Half a column of slack, so a card already centred on a column counts as in it.
  const target =
    direction > 0 ? centres.find((x) => x > cardCentre + 1) : [...centres].reverse().find((x) => x < cardCentre - 1);
  return target === undefined ? null : target - cardCentre;
}
