import { useState } from "react";
import { rememberProject } from "../lib/lastProject";
import type { Outcome, Project, Task } from "../views/data";
import { ProjectSelect, useFormProject } from "./ProjectPicker";

export interface NewTaskInput {
  title: string;
  priority: number;
  project_id?: string;
  description?: string;
  parent_id?: string;
}

/**
 * Create a task. Title is required (the daemon rejects an empty one, so we never send it).
 * With projects registered the project is always one of them (a task without one would be
 * put in the only project, or refused with several), starting on the last one used. The
 * form clears when the task is sent, and gets the title back if the daemon refuses it.
 */
export function TaskCreateForm({
  onCreate,
  projects = [],
}: {
  onCreate: (input: NewTaskInput, outcome?: Outcome) => void;
  projects?: readonly Project[];
}): React.JSX.Element {
  const [title, setTitle] = useState("");
  const [priority, setPriority] = useState(2);
  // Until the user picks one (or if the picked one is removed), follow the list as it loads.
  const [projectId, setChosen] = useFormProject(projects);
  const trimmed = title.trim();
  return (
    <form
      className="form"
      aria-label="New task"
      onSubmit={(e) => {
        e.preventDefault();
        if (!trimmed) return;
        const typed = title;
        if (projectId) rememberProject(projectId);
        onCreate(projectId ? { title: trimmed, priority, project_id: projectId } : { title: trimmed, priority }, {
          // Only into an empty field: what the user has typed since is not overwritten.
          onError: () => setTitle((current) => (current === "" ? typed : current)),
        });
        setTitle("");
      }}
    >
      <input
        aria-label="Task title"
        placeholder="New task title"
        value={title}
        maxLength={500}
        onChange={(e) => setTitle(e.target.value)}
      />
      {projects.length > 0 ? (
        <ProjectSelect label="Project" projects={projects} value={projectId} onChange={setChosen} />
      ) : null}
      <select aria-label="Priority" value={priority} onChange={(e) => setPriority(Number(e.target.value))}>
        {[0, 1, 2, 3, 4].map((p) => (
          <option key={p} value={p}>
            P{p}
          </option>
        ))}
      </select>
      <button className="primary" type="submit" disabled={!trimmed}>
        Create
      </button>
    </form>
  );
}

/** Split a parent into subtasks: one title per line, blank lines ignored. */
export function ExpandTaskForm({
  task,
  onExpand,
  onCancel,
}: {
  task: Task;
  onExpand: (titles: string[]) => void;
  onCancel: () => void;
}): React.JSX.Element {
  const [text, setText] = useState("");
  const titles = text
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l.length > 0);
  return (
    <form
      className="card form stack"
      aria-label={`Subtasks of ${task.title}`}
      onSubmit={(e) => {
        e.preventDefault();
        if (titles.length === 0) return;
        onExpand(titles);
      }}
    >
      <label className="field">
        Subtasks of “{task.title}”, one per line
        <textarea autoFocus value={text} onChange={(e) => setText(e.target.value)} aria-label="Subtask titles" />
      </label>
      <div className="row-actions">
        <button className="primary" type="submit" disabled={titles.length === 0}>
          Add {titles.length || ""} subtask{titles.length === 1 ? "" : "s"}
        </button>
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
