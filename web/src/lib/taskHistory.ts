/**
 * A task's history, from the daemon's event log (GET /api/events). That endpoint reads the
 * events the daemon keeps in memory (the last `retain` of them, 10,000 by default), not the whole
 * database, so the history of an old task may begin part-way or be empty: the panel says so.
 * Pure: frames in, the task's entries and their sentences out.
 */
import type { Task } from "./ws/generated";

export interface EventFrame {
  readonly type: string;
  readonly seq: number;
  readonly ts: string;
  readonly data: unknown;
}

export interface EventPage {
  readonly items: EventFrame[];
  readonly seq: number;
  readonly epoch: string;
  readonly oldest_seq: number;
}

export interface HistoryEntry {
  readonly seq: number;
  readonly ts: string;
  readonly type: string;
  readonly text: string;
}

type Data = Record<string, unknown>;

const asData = (value: unknown): Data => (typeof value === "object" && value !== null ? (value as Data) : {});

/** Whether an event is about this task: its own events, and runs and worktrees made for it. */
export function isAboutTask(frame: EventFrame, taskId: string): boolean {
  const data = asData(frame.data);
  if (data.task_id === taskId) return true;
  const worktree = asData(data.worktree);
  return worktree.task_id === taskId;
}

function show(value: unknown): string {
  if (Array.isArray(value)) return value.length ? value.join(", ") : "none";
  if (typeof value === "number") return `P${value}`;
  if (typeof value === "string") return value.length > 60 ? `${value.slice(0, 57)}…` : value || "empty";
  return String(value);
}

const statusWord = (s: unknown): string => (typeof s === "string" ? s.replace(/_/g, " ") : String(s));

/** One plain sentence for an event in the task's history. */
export function describeEvent(frame: EventFrame): string {
  const data = asData(frame.data);
  const task = asData(data.task) as Partial<Task>;
  switch (frame.type) {
    case "task.created":
      return `Created as “${task.title ?? ""}”`;
    case "task.closed":
      return task.closed_reason ? `Closed: ${task.closed_reason}` : "Closed";
    case "task.expanded": {
      const n = Array.isArray(data.subtask_ids) ? data.subtask_ids.length : 0;
      return `Split into ${n} subtask${n === 1 ? "" : "s"}`;
    }
    case "task.updated": {
      const changed = Array.isArray(data.changed) ? (data.changed as string[]) : [];
      const previous = asData(data.previous);
      const parts = changed.map((name) => {
        const now = (task as Data)[name];
        if (name === "status") return `status ${statusWord(previous.status)} → ${statusWord(now)}`;
        if (name === "description") return "description edited";
        if (name in previous) return `${name} ${show(previous[name])} → ${show(now)}`;
        return `${name} → ${show(now)}`;
      });
      return parts.length ? `Changed ${parts.join("; ")}` : "Changed";
    }
    default: {
      if (frame.type.startsWith("agent.")) {
        const id = typeof data.agent_id === "string" ? data.agent_id : "a run";
        return `Run ${id} ${frame.type.slice("agent.".length)}`;
      }
      if (frame.type.startsWith("worktree.")) {
        const branch = asData(data.worktree).branch;
        return `Worktree ${typeof branch === "string" ? branch : ""} ${frame.type.slice("worktree.".length)}`.replace(/\s+/g, " ");
      }
      return frame.type;
    }
  }
}

export function historyEntries(frames: readonly EventFrame[], taskId: string): HistoryEntry[] {
  return frames
    .filter((f) => isAboutTask(f, taskId))
    .map((f) => ({ seq: f.seq, ts: f.ts, type: f.type, text: describeEvent(f) }));
}
