import { useEffect, useRef, useState } from "react";
import {
  DndContext,
  DragOverlay,
  KeyboardSensor,
  PointerSensor,
  useDraggable,
  useDroppable,
  useSensor,
  useSensors,
  type Announcements,
  type DragEndEvent,
  type KeyboardCoordinateGetter,
} from "@dnd-kit/core";
import { useVirtualizer } from "@tanstack/react-virtual";
import type { Task, TaskStatus } from "../views/data";
import { PriorityBadge } from "./Badge";
import { focusTaskTitle } from "./TaskList";
import { BOARD_COLUMNS, columnId, groupByStatus, statusForDrop, stepToColumn } from "./boardMove";

const CARD_HEIGHT = 92;

export interface TaskBoardProps {
  /** The tasks to show (already filtered and sorted). */
  tasks: readonly Task[];
  isPending: (task: Task) => boolean;
  onMove: (task: Task, status: TaskStatus) => void;
  onOpen: (task: Task) => void;
  selectedId?: string | null;
  /** Bumped when the keyboard moved the selection: the selected card's title then takes focus. */
  focusKey?: number;
}

/** Arrow keys during a keyboard drag: left and right go one column at a time. */
const columnKeys: KeyboardCoordinateGetter = (event, { currentCoordinates, context }) => {
  const direction = event.code === "ArrowRight" ? 1 : event.code === "ArrowLeft" ? -1 : 0;
  // Measured here rather than taken from the context: right after pick-up the library may not
  // have measured the columns or the card yet, and the first press would then do nothing.
  const card = context.collisionRect ?? context.activeNode?.getBoundingClientRect() ?? null;
  if (direction === 0 || card === null) return undefined;
  const columns = [...context.droppableContainers.values()].flatMap((c) => {
    const node = c.node.current;
    return node ? [node.getBoundingClientRect()] : [];
  });
  const dx = stepToColumn(columns, card.left + card.width / 2, direction);
  return dx === null ? undefined : { x: currentCoordinates.x + dx, y: currentCoordinates.y };
};

const statusLabel = (s: TaskStatus): string => BOARD_COLUMNS.find((c) => c.status === s)?.label ?? s;

/**
 * The board: one column per status, a card per task. A card moves by dragging its handle (mouse,
 * touch, or the keyboard: Space to pick up, arrows, Space to drop, via @dnd-kit's sensors, with
 * screen-reader announcements), or by its "Move to" menu. Each column is virtualised like the list,
 * so 10,000 tasks cost what the visible cards cost.
 */
export function TaskBoard({
  tasks,
  isPending,
  onMove,
  onOpen,
  selectedId = null,
  focusKey = 0,
}: TaskBoardProps): React.JSX.Element {
  const boardRef = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (focusKey === 0 || selectedId === null) return;
    const frame = requestAnimationFrame(() => focusTaskTitle(boardRef.current, selectedId));
    return () => cancelAnimationFrame(frame);
    // Keyed on focusKey alone: each keyboard move focuses once.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [focusKey]);
  const sensors = useSensors(
    // A few pixels of travel before a drag starts, so a click on the handle stays a click.
    useSensor(PointerSensor, { activationConstraint: { distance: 5 } }),
    useSensor(KeyboardSensor, { coordinateGetter: columnKeys }),
  );
  // The card being dragged is drawn in an overlay above the page, so the column's scroll box
  // does not clip it; the card itself stays in place, dimmed.
  const [activeId, setActiveId] = useState<string | null>(null);
  const byId = new Map(tasks.map((t) => [t.id, t]));
  const active = activeId === null ? undefined : byId.get(activeId);
  const columns = groupByStatus(tasks);
  const titleOf = (id: string | number): string => byId.get(String(id))?.title ?? String(id);
  const overLabel = (id: string | number | undefined): string =>
    typeof id === "string" && id.startsWith("column:") ? statusLabel(id.slice(7) as TaskStatus) : "no column";
  const announcements: Announcements = {
    onDragStart: ({ active }) => `Picked up ${titleOf(active.id)}.`,
    onDragOver: ({ active, over }) => `${titleOf(active.id)} is over ${overLabel(over?.id)}.`,
    onDragEnd: ({ active, over }) => `${titleOf(active.id)} dropped on ${overLabel(over?.id)}.`,
    onDragCancel: ({ active }) => `Moving ${titleOf(active.id)} was cancelled.`,
  };
  const onDragEnd = (event: DragEndEvent): void => {
    setActiveId(null);
    const task = byId.get(String(event.active.id));
    if (task === undefined) return;
    const status = statusForDrop(task, event.over?.id);
    if (status !== null) onMove(task, status);
  };
  return (
    <DndContext
      sensors={sensors}
      onDragStart={(event) => setActiveId(String(event.active.id))}
      onDragEnd={onDragEnd}
      onDragCancel={() => setActiveId(null)}
      accessibility={{
        announcements,
        screenReaderInstructions: {
          draggable:
            "To move a task, press Space or Enter on its handle, use the arrow keys to reach another column, then Space or Enter to drop it there, or Escape to cancel.",
        },
      }}
    >
      <div className="board" data-testid="task-board" ref={boardRef}>
        {BOARD_COLUMNS.map((c) => (
          <BoardColumn
            key={c.status}
            status={c.status}
            label={c.label}
            tasks={columns[c.status]}
            isPending={isPending}
            onMove={onMove}
            onOpen={onOpen}
            selectedId={selectedId}
          />
        ))}
      </div>
      <DragOverlay>
        {active ? (
          <div className="board-card drag-preview" aria-hidden="true">
            <div className="board-card-top">
              <span className="drag-handle">⠿</span>
              <span>{active.title}</span>
            </div>
            <div className="board-card-meta">
              <PriorityBadge priority={active.priority} />
            </div>
          </div>
        ) : null}
      </DragOverlay>
    </DndContext>
  );
}

function BoardColumn({
  status,
  label,
  tasks,
  isPending,
  onMove,
  onOpen,
  selectedId,
}: {
  status: TaskStatus;
  label: string;
  tasks: readonly Task[];
  isPending: (task: Task) => boolean;
  onMove: (task: Task, status: TaskStatus) => void;
  onOpen: (task: Task) => void;
  selectedId: string | null;
}): React.JSX.Element {
  const { setNodeRef, isOver } = useDroppable({ id: columnId(status) });
  const scrollRef = useRef<HTMLDivElement>(null);
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer({
    count: tasks.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => CARD_HEIGHT,
    overscan: 6,
    getItemKey: (index) => tasks[index]?.id ?? index,
  });
  const selectedIndex = selectedId === null ? -1 : tasks.findIndex((t) => t.id === selectedId);
  useEffect(() => {
    if (selectedIndex >= 0) virtualizer.scrollToIndex(selectedIndex, { align: "auto" });
    // Only when the selection moves, not on every live update of the column.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [selectedId]);
  const headingId = `board-col-${status}`;
  return (
    <section
      ref={setNodeRef}
      className="board-column"
      aria-labelledby={headingId}
      data-testid="board-column"
      data-status={status}
      data-over={isOver ? "true" : undefined}
    >
      <h2 id={headingId} className="board-heading">
        {label} <span className="muted">{tasks.length.toLocaleString("en-US")}</span>
      </h2>
      <div className="board-scroll" ref={scrollRef}>
        <ul className="board-cards" style={{ height: virtualizer.getTotalSize() }}>
          {virtualizer.getVirtualItems().map((item) => {
            const task = tasks[item.index];
            if (!task) return null;
            return (
              <BoardCard
                key={item.key}
                task={task}
                top={item.start}
                pending={isPending(task)}
                selected={task.id === selectedId}
                onMove={onMove}
                onOpen={onOpen}
              />
            );
          })}
        </ul>
        {tasks.length === 0 ? <p className="empty">No tasks.</p> : null}
      </div>
    </section>
  );
}

function BoardCard({
  task,
  top,
  pending,
  selected,
  onMove,
  onOpen,
}: {
  task: Task;
  top: number;
  pending: boolean;
  selected: boolean;
  onMove: (task: Task, status: TaskStatus) => void;
  onOpen: (task: Task) => void;
}): React.JSX.Element {
  const { attributes, listeners, setNodeRef, setActivatorNodeRef, isDragging } = useDraggable({ id: task.id });
  return (
    <li
      ref={setNodeRef}
      className="board-card"
      data-testid="board-card"
      data-task-id={task.id}
      data-status={task.status}
      data-pending={pending ? "true" : "false"}
      data-selected={selected ? "true" : undefined}
      data-dragging={isDragging ? "true" : undefined}
      aria-busy={pending}
      style={{ transform: `translateY(${top}px)` }}
    >
      <div className="board-card-top">
        <button
          ref={setActivatorNodeRef}
          type="button"
          className="drag-handle"
          {...attributes}
          {...listeners}
          aria-label={`Move ${task.title}`}
          data-testid="drag-handle"
        >
          ⠿
        </button>
        <button type="button" className="link task-open" onClick={() => onOpen(task)}>
          {task.title}
        </button>
      </div>
      <div className="board-card-meta">
        <PriorityBadge priority={task.priority} />
        {task.labels.slice(0, 3).map((l) => (
          <span key={l} className="label-chip">
            {l}
          </span>
        ))}
        <span className="spacer" />
        <select
          aria-label={`Move ${task.title} to`}
          data-testid="card-status"
          value={task.status}
          onChange={(e) => onMove(task, e.target.value as TaskStatus)}
        >
          {BOARD_COLUMNS.map((c) => (
            <option key={c.status} value={c.status}>
              {c.label}
            </option>
          ))}
        </select>
        {pending ? <span className="muted">saving…</span> : null}
      </div>
    </li>
  );
}
