import { useEffect, useRef, useState } from "react";
import { Link, useLocation } from "react-router-dom";
import {
  useAgentsData,
  useSessionsData,
  useTaskHistoryData,
  useWorktreesData,
  type Task,
  type TaskActions,
  type TaskStatus,
} from "../views/data";
import { StatusBadge } from "./Badge";
import { Markdown } from "./Markdown";
import { RelativeTime } from "./RelativeTime";
import { SkeletonRows } from "./Skeleton";
import { TASK_STATUSES } from "./TaskList";
import { linkedSessions } from "./taskLinks";

export interface TaskDetailPanelProps {
  id: string;
  /** The task, once the list has it (undefined while loading or when there is no such task). */
  task: Task | undefined;
  /** Every task: the parent and subtasks come from here. */
  tasks: readonly Task[] | undefined;
  actions: TaskActions;
  onClose: () => void;
}

/**
 * One task, in full, beside the list or board: its fields edited in place (each change shown at
 * once and put back with a toast if the daemon refuses), its parent and subtasks, the runs,
 * worktrees and sessions working on it, and what happened to it recently.
 */
export function TaskDetailPanel({ id, task, tasks, actions, onClose }: TaskDetailPanelProps): React.JSX.Element {
  const headingRef = useRef<HTMLHeadingElement>(null);
  // Opening a task moves focus into the panel, so keyboard and screen-reader users land on it.
  useEffect(() => headingRef.current?.focus(), [id]);
  return (
    <aside className="task-detail" aria-labelledby="task-detail-title" data-testid="task-detail" data-task-id={id}>
      <div className="detail-head">
        <h2 id="task-detail-title" ref={headingRef} tabIndex={-1} className="visually-hidden">
          Task {task?.title ?? id}
        </h2>
        {task ? <TitleEditor key={task.id} task={task} onSave={(title) => actions.update(task, { title })} /> : null}
        <button type="button" onClick={onClose} aria-label="Close task detail">
          ✕
        </button>
      </div>
      {task === undefined ? (
        tasks === undefined ? (
          <SkeletonRows rows={4} label="Loading the task" />
        ) : (
          <p className="empty">There is no task {id} (it may belong to a list that is not loaded).</p>
        )
      ) : (
        <TaskDetailBody task={task} tasks={tasks ?? []} actions={actions} />
      )}
    </aside>
  );
}

function TaskDetailBody({ task, tasks, actions }: { task: Task; tasks: readonly Task[]; actions: TaskActions }): React.JSX.Element {
  const pending = actions.isPending(task);
  const parent = task.parent_id === null ? undefined : tasks.find((t) => t.id === task.parent_id);
  const subtasks = tasks.filter((t) => t.parent_id === task.id);
  return (
    <>
      <div className="detail-fields">
        <span className="muted">Id</span>
        <code data-testid="detail-id">{task.id}</code>
        <label htmlFor="detail-status" className="muted">
          Status
        </label>
        <span>
          <select
            id="detail-status"
            value={task.status}
            onChange={(e) => actions.setStatus(task, e.target.value as TaskStatus)}
          >
            {TASK_STATUSES.map((s) => (
              <option key={s} value={s}>
                {s.replace(/_/g, " ")}
              </option>
            ))}
          </select>{" "}
          {pending ? <span className="muted" data-testid="detail-saving">saving…</span> : null}
        </span>
        <label htmlFor="detail-priority" className="muted">
          Priority
        </label>
        <select
          id="detail-priority"
          value={task.priority}
          onChange={(e) => actions.update(task, { priority: Number(e.target.value) })}
        >
          {[0, 1, 2, 3, 4].map((p) => (
            <option key={p} value={p}>
              P{p}
              {p === 0 ? " (most urgent)" : ""}
            </option>
          ))}
        </select>
        <span className="muted">Labels</span>
        <LabelsEditor labels={task.labels} onChange={(labels) => actions.update(task, { labels })} />
        <span className="muted">Created</span>
        <RelativeTime iso={task.created_at} />
        <span className="muted">Updated</span>
        <RelativeTime iso={task.updated_at} />
        {task.closed_reason ? (
          <>
            <span className="muted">Closed because</span>
            <span>{task.closed_reason}</span>
          </>
        ) : null}
      </div>
      <DescriptionEditor key={task.id} task={task} onSave={(description) => actions.update(task, { description })} />
      <section aria-labelledby="detail-family">
        <h2 id="detail-family">Parent and subtasks</h2>
        {parent ? (
          <p>
            Part of <TaskLink task={parent} />
          </p>
        ) : task.parent_id !== null ? (
          <p className="muted">Part of {task.parent_id}</p>
        ) : null}
        {subtasks.length > 0 ? (
          <ul className="list" data-testid="detail-subtasks">
            {subtasks.map((t) => (
              <li key={t.id}>
                <StatusBadge status={t.status} /> <TaskLink task={t} />
              </li>
            ))}
          </ul>
        ) : (
          <p className="muted">No subtasks.</p>
        )}
      </section>
      <LinkedWork task={task} />
      <TaskHistorySection id={task.id} />
    </>
  );
}

function TaskLink({ task }: { task: Task }): React.JSX.Element {
  const { search } = useLocation();
  return <Link to={{ pathname: `/tasks/${encodeURIComponent(task.id)}`, search }}>{task.title}</Link>;
}

function TitleEditor({ task, onSave }: { task: Task; onSave: (title: string) => void }): React.JSX.Element {
  const [draft, setDraft] = useState<string | null>(null);
  if (draft === null) {
    return (
      <p className="detail-title" data-testid="detail-title">
        {task.title}{" "}
        <button type="button" className="link" onClick={() => setDraft(task.title)} aria-label="Edit title">
          ✎
        </button>
      </p>
    );
  }
  const commit = (): void => {
    const title = draft.trim();
    setDraft(null);
    if (title && title !== task.title) onSave(title);
  };
  return (
    <input
      className="title-input"
      aria-label="Title"
      autoFocus
      maxLength={500}
      value={draft}
      onChange={(e) => setDraft(e.target.value)}
      onBlur={commit}
      onKeyDown={(e) => {
        if (e.key === "Enter") {
          e.preventDefault();
          commit();
        } else if (e.key === "Escape") {
          // Escape here cancels the edit only; the panel stays open.
          e.preventDefault();
          e.stopPropagation();
          setDraft(null);
        }
      }}
    />
  );
}

function DescriptionEditor({ task, onSave }: { task: Task; onSave: (text: string) => void }): React.JSX.Element {
  const [draft, setDraft] = useState<string | null>(null);
  const save = (): void => {
    if (draft !== null && draft !== task.description) onSave(draft);
    setDraft(null);
  };
  return (
    <section aria-labelledby="detail-description">
      <h2 id="detail-description">Description</h2>
      {draft === null ? (
        <>
          {task.description ? <Markdown text={task.description} /> : <p className="muted">No description.</p>}
          <button type="button" onClick={() => setDraft(task.description)}>
            Edit description
          </button>
        </>
      ) : (
        <div className="stack">
          <textarea
            aria-label="Description (Markdown)"
            autoFocus
            value={draft}
            onChange={(e) => setDraft(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) {
                e.preventDefault();
                save();
              } else if (e.key === "Escape") {
                e.preventDefault();
                e.stopPropagation();
                setDraft(null);
              }
            }}
          />
          <div className="row-actions">
            <button type="button" className="primary" onClick={save}>
              Save
            </button>
            <button type="button" onClick={() => setDraft(null)}>
              Cancel
            </button>
            <span className="muted">Markdown; Ctrl+Enter saves, Escape cancels.</span>
          </div>
        </div>
      )}
    </section>
  );
}

function LabelsEditor({ labels, onChange }: { labels: readonly string[]; onChange: (labels: string[]) => void }): React.JSX.Element {
  const [text, setText] = useState("");
  const add = (): void => {
    const label = text.trim();
    setText("");
    if (label && !labels.includes(label)) onChange([...labels, label]);
  };
  return (
    <div className="row-actions" data-testid="detail-labels">
      {labels.map((l) => (
        <span key={l} className="label-chip">
          {l}
          <button type="button" aria-label={`Remove label ${l}`} onClick={() => onChange(labels.filter((x) => x !== l))}>
            ×
          </button>
        </span>
      ))}
      <input
        aria-label="Add a label"
        placeholder="Add label"
        value={text}
        size={10}
        onChange={(e) => setText(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === "Enter" || e.key === ",") {
            e.preventDefault();
            add();
          }
        }}
        onBlur={add}
      />
    </div>
  );
}

function LinkedWork({ task }: { task: Task }): React.JSX.Element {
  const agents = useAgentsData();
  const worktrees = useWorktreesData();
  const sessions = useSessionsData();
  const runs = (agents.data ?? []).filter((a) => a.task_id === task.id);
  const trees = (worktrees.data ?? []).filter((w) => w.task_id === task.id);
  const working = linkedSessions(sessions.data ?? [], trees);
  return (
    <section aria-labelledby="detail-work">
      <h2 id="detail-work">Worktrees, runs and sessions</h2>
      {trees.length + runs.length + working.length === 0 ? (
        <p className="muted">{agents.isPending || worktrees.isPending ? "Loading…" : "Nothing is working on this task."}</p>
      ) : (
        <ul className="list" data-testid="detail-work">
          {trees.map((w) => (
            <li key={w.id}>
              <StatusBadge status={w.status} /> worktree <code>{w.branch}</code>
              {w.owner ? <span className="muted">claimed by {w.owner}</span> : null}
            </li>
          ))}
          {runs.map((a) => (
            <li key={a.id}>
              <StatusBadge status={a.status} /> run <code>{a.id}</code> <RelativeTime iso={a.started_at} />
            </li>
          ))}
          {working.map((s) => (
            <li key={s.id}>
              <StatusBadge status={s.status} /> session <Link to={`/sessions/${encodeURIComponent(s.id)}`}>{s.id.slice(0, 8)}</Link>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function TaskHistorySection({ id }: { id: string }): React.JSX.Element {
  const history = useTaskHistoryData(id);
  const data = history.data;
  return (
    <section aria-labelledby="detail-history">
      <h2 id="detail-history">History</h2>
      <p className="muted">
        From the daemon&apos;s recent event log (the events it keeps in memory); older changes are not listed.
      </p>
      {history.isError ? <p className="error-text">Could not read the event log: {history.error?.message}</p> : null}
      {data === undefined ? (
        history.isPending ? <SkeletonRows rows={3} label="Loading the history" /> : null
      ) : data.items.length === 0 ? (
        <p className="muted">No events about this task in the recent log.</p>
      ) : (
        <ol className="list history" data-testid="detail-history">
          {[...data.items].reverse().map((e) => (
            <li key={e.seq}>
              <RelativeTime iso={e.ts} />
              <span>{e.text}</span>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
