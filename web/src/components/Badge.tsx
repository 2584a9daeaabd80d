export type Tone = "ok" | "warn" | "bad" | "info" | "accent" | "neutral";

// One table for every entity's status so the same word always gets the same colour.
const TONES: Record<string, Tone> = {
  open: "accent",
  in_progress: "info",
  blocked: "warn",
  closed: "ok",
  running: "info",
  completed: "ok",
  failed: "bad",
  cancelled: "neutral",
  lost: "warn",
  active: "info",
  waiting: "warn",
  idle: "neutral",
  ended: "neutral",
  connecting: "warn",
  connected: "ok",
  disconnected: "bad",
  claimed: "info",
  merged: "ok",
  deleted: "neutral",
  stopping: "warn",
  stopped: "neutral",
  succeeded: "ok",
  // A loop's run whose agent exited 0 but whose iteration did not succeed (no commits, a conflict).
  iteration_failed: "bad",
};

export function StatusBadge({ status }: { status: string }): React.JSX.Element {
  return (
    <span className="badge" data-tone={TONES[status] ?? "neutral"} data-status={status}>
      {status.replace(/_/g, " ")}
    </span>
  );
}

const PRIORITY_LABEL = ["P0", "P1", "P2", "P3", "P4"];

export function PriorityBadge({ priority }: { priority: number }): React.JSX.Element {
  const tone: Tone = priority <= 0 ? "bad" : priority === 1 ? "warn" : "neutral";
  return (
    <span className="badge" data-tone={tone} title={`priority ${priority}`}>
      {PRIORITY_LABEL[priority] ?? `P${priority}`}
    </span>
  );
}
