import { ConfirmDialog } from "./ConfirmDialog";
import type { AutonomousLoop } from "../lib/ws/generated";

/** Asks before stopping a loop, saying what happens to the iteration it is in the middle of. */
export function StopLoopDialog({
  loop,
  onConfirm,
  onCancel,
}: {
  loop: AutonomousLoop;
  onConfirm: () => void;
  onCancel: () => void;
}): React.JSX.Element {
  return (
    <ConfirmDialog title="Stop this loop?" confirmLabel="Stop loop" danger onConfirm={onConfirm} onCancel={onCancel}>
      <p>
        Loop <span className="mono">{loop.id}</span> takes no further task.
        {loop.current_task_id ? (
          <>
            {" "}
            Its running agent (on task <span className="mono">{loop.current_task_id}</span>) is cancelled, its worktree
            and commits are discarded, and the task goes back to open without counting a failure.
          </>
        ) : null}{" "}
        Finished iterations and their merges stay.
      </p>
    </ConfirmDialog>
  );
}
