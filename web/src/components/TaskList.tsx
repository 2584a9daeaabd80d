import { useEffect, useRef, type ReactNode } from "react";
import { useVirtualizer } from "@tanstack/react-virtual";
import type { Task, TaskStatus } from "../views/data";
import { PriorityBadge } from "./Badge";
import type { TaskRowModel } from "./taskTree";

export const TASK_STATUSES: readonly TaskStatus[] = ["open", "in_progress", "blocked", "closed"];
const ROW_HEIGHT = 44;
const HEAD_HEIGHT = 34;

export interface TaskListProps {
  rows: readonly TaskRowModel[];
  isPending: (task: Task) => boolean;
  onToggle: (task: Task) => void;
  onStatusChange: (task: Task, status: TaskStatus) => void;
  onExpandRequest: (task: Task) => void;
  /** With it, a Project column showing what it returns for each task. */
  projectCell?: (task: Task) => ReactNode;
  /** Opens the task's detail (clicking its title, or Enter on it). */
  onOpen?: (task: Task) => void;
  /** The task the keyboard selection is on: scrolled into view when it changes. */
  selectedId?: string | null;
  /** Bumped when the keyboard moved the selection: the selected row's title then takes focus. */
  focusKey?: number;
}

/** Focuses the title button of a task's row or card inside `root`, if it is rendered. */
export function focusTaskTitle(root: HTMLElement | null, id: string): void {
  root?.querySelector<HTMLElement>(`[data-task-id="${CSS.escape(id)}"] .task-open`)?.focus({ preventScroll: true });
}

/**
 * The task table, virtualised: only the rows in view (plus a few) are in the DOM, so 10,000
 * tasks cost the same to render as 20. Rows have a fixed height, so no measuring is needed.
 */
export function TaskList({
  rows,
  isPending,
  onToggle,
  onStatusChange,
  onExpandRequest,
  projectCell,
  onOpen,
  selectedId = null,
  focusKey = 0,
}: TaskListProps): React.JSX.Element {
  const scrollRef = useRef<HTMLDivElement>(null);
  // The virtualizer hands out functions the React Compiler cannot memoise safely; this
  // component does not rely on memoisation of its own output.
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12,
    getItemKey: (index) => rows[index]?.task.id ?? index,
  });

  // Only when the selection moves: a live update to the rows must not pull the scroll or focus.
  const selectedIndex = selectedId === null ? -1 : rows.findIndex((r) => r.task.id === selectedId);
  const lastSelected = useRef<string | null>(null);
  useEffect(() => {
    if (selectedId === lastSelected.current) return;
    lastSelected.current = selectedId;
    if (selectedIndex >= 0) virtualizer.scrollToIndex(selectedIndex, { align: "auto" });
  }, [selectedId, selectedIndex, virtualizer]);
  // Focus follows the selection only when the keyboard moved it (opening a task focuses the detail).
  useEffect(() => {
    if (focusKey === 0 || selectedId === null) return;
    // The row is in the DOM once the virtualizer has rendered the new range.
    const frame = requestAnimationFrame(() => focusTaskTitle(scrollRef.current, selectedId));
    return () => cancelAnimationFrame(frame);
    // Keyed on focusKey alone: each keyboard move focuses once.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [focusKey]);

  return (
    <div
      className={projectCell ? "task-scroll with-project" : "task-scroll"}
      ref={scrollRef}
      role="table"
      aria-label="Tasks"
      aria-rowcount={rows.length}
      // Short lists shrink to fit; long ones scroll inside a viewport-sized box.
      style={{ height: `min(70vh, ${Math.max(rows.length, 2) * ROW_HEIGHT + HEAD_HEIGHT}px)` }}
    >
      <div className="task-head" role="row">
        <span role="columnheader">Title</span>
        {projectCell ? (
          <span role="columnheader" className="proj">
            Project
          </span>
        ) : null}
        <span role="columnheader">Status</span>
        <span role="columnheader" className="prio">Priority</span>
        <span role="columnheader" className="actions">Actions</span>
      </div>
      <div style={{ height: virtualizer.getTotalSize(), position: "relative" }}>
        {virtualizer.getVirtualItems().map((item) => {
          const row = rows[item.index];
          if (!row) return null;
          const { task } = row;
          const pending = isPending(task);
          return (
            <div
              key={item.key}
              role="row"
              className={row.context ? "task-row context" : "task-row"}
              data-testid="task-row"
              data-task-id={task.id}
              data-status={task.status}
              data-pending={pending ? "true" : "false"}
              data-selected={task.id === selectedId ? "true" : undefined}
              data-context={row.context ? "true" : undefined}
              aria-busy={pending}
              style={{ position: "absolute", top: 0, left: 0, right: 0, transform: `translateY(${item.start}px)` }}
            >
              <span className="task-title" role="cell" style={{ paddingLeft: row.depth * 20 }}>
                {row.childCount > 0 ? (
                  <button
                    className="link twisty"
                    aria-expanded={row.expanded}
                    aria-label={`${row.expanded ? "Collapse" : "Expand"} ${task.title}`}
                    onClick={() => onToggle(task)}
                  >
                    {row.expanded ? "▾" : "▸"}
                  </button>
                ) : (
                  <span className="twisty" aria-hidden="true" />
                )}
                <button
                  type="button"
                  className="link task-open"
                  title={row.context ? "Shown as the parent of a match" : undefined}
                  onClick={() => onOpen?.(task)}
                >
                  {task.title}
                </button>
                {task.labels.length > 0 ? (
                  <span className="task-labels">
                    {task.labels.slice(0, 3).map((l) => (
                      <span key={l} className="label-chip">
                        {l}
                      </span>
                    ))}
                  </span>
                ) : null}
                {row.childCount > 0 ? <span className="muted">({row.childCount})</span> : null}
              </span>
              {projectCell ? (
                <span role="cell" className="proj" data-testid="task-project">
                  {projectCell(task)}
                </span>
              ) : null}
              <span role="cell">
                <select
                  aria-label={`Status of ${task.title}`}
                  data-testid="task-status"
                  value={task.status}
                  onChange={(e) => onStatusChange(task, e.target.value as TaskStatus)}
                >
                  {TASK_STATUSES.map((s) => (
                    <option key={s} value={s}>
                      {s.replace(/_/g, " ")}
                    </option>
                  ))}
                </select>
              </span>
              <span role="cell" className="prio">
                <PriorityBadge priority={task.priority} />
              </span>
              <span role="cell" className="actions row-actions">
                <button onClick={() => onExpandRequest(task)} disabled={task.status === "closed" || pending}>
                  Subtasks…
                </button>
                {pending ? <span className="muted">saving…</span> : null}
              </span>
            </div>
          );
        })}
        {rows.length === 0 ? <div className="empty">No tasks match.</div> : null}
      </div>
    </div>
  );
}
