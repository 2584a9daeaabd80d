import { useMemo, useState } from "react";
import { useSearchParams } from "react-router-dom";
import { TaskList } from "../components/TaskList";
import { ExpandTaskForm, TaskCreateForm } from "../components/TaskForms";
import { countByStatus, visibleRows, type TaskFilter, type TaskSort } from "../components/taskTree";
import { QueryContent } from "../components/QueryContent";
import { ProjectFilter, ProjectName, useProjectFilter } from "../components/ProjectFilter";
import { filterByProject } from "../lib/projectFilter";
import { parseTaskParams, serializeTaskParams, type TaskListParams } from "../lib/taskFilterParams";
import { useProjectsList, useTaskActions, useTasksData, type Task, type TaskStatus } from "./data";

export function TasksView(): React.JSX.Element {
  const tasks = useTasksData();
  const actions = useTaskActions();
  const projects = useProjectsList();
  const [expanded, setExpanded] = useState<ReadonlySet<string>>(() => new Set());
  // Filter and sort live in the address: links open the list filtered, reload and back/forward keep it.
  const [params, setParams] = useSearchParams();
  const { filter, sort } = useMemo(() => parseTaskParams(params), [params]);
  const update = (next: TaskListParams, replace: boolean): void =>
    setParams((prev) => serializeTaskParams(next, prev), { replace });
  // Typing replaces the entry (no history step per keystroke); picking a status or sort adds one.
  const setFilter = (next: TaskFilter, replace = false): void => update({ filter: next, sort }, replace);
  const setSort = (next: TaskSort): void => update({ filter, sort: next }, false);
  const [expanding, setExpanding] = useState<Task | null>(null);
  const [project, setProject] = useProjectFilter();

  // Subtasks share their parent's project, so narrowing by project keeps every tree whole.
  const all = useMemo(() => (tasks.data ? filterByProject(tasks.data, project) : undefined), [tasks.data, project]);
  const rows = useMemo(() => (all ? visibleRows(all, expanded, filter, sort) : []), [all, expanded, filter, sort]);
  const counts = useMemo(() => (all ? countByStatus(all) : null), [all]);

  const toggle = (task: Task): void =>
    setExpanded((prev) => {
      const next = new Set(prev);
      if (next.has(task.id)) next.delete(task.id);
      else next.add(task.id);
      return next;
    });

  return (
    <section aria-labelledby="tasks-title">
      <h1 id="tasks-title">Tasks</h1>
      <TaskCreateForm onCreate={actions.create} projects={projects} />
      {expanding ? (
        <ExpandTaskForm
          task={expanding}
          onCancel={() => setExpanding(null)}
          onExpand={(titles) => {
            actions.expand(expanding, titles);
            setExpanded((prev) => new Set(prev).add(expanding.id));
            setExpanding(null);
          }}
        />
      ) : null}
      <div className="toolbar">
        <input
          aria-label="Filter tasks"
          placeholder="Filter by title or id"
          value={filter.text}
          onChange={(e) => setFilter({ ...filter, text: e.target.value }, true)}
        />
        <select
          aria-label="Status filter"
          value={filter.status}
          onChange={(e) => setFilter({ ...filter, status: e.target.value as TaskStatus | "all" | "not_closed" })}
        >
          <option value="all">All (tree)</option>
          <option value="not_closed">Not closed</option>
          <option value="open">Open</option>
          <option value="in_progress">In progress</option>
          <option value="blocked">Blocked</option>
          <option value="closed">Closed</option>
        </select>
        <ProjectFilter projects={projects} value={project} onChange={setProject} />
        <select aria-label="Sort" value={sort} onChange={(e) => setSort(e.target.value as TaskSort)}>
          <option value="priority">By status and priority</option>
          <option value="newest">Newest first</option>
        </select>
        <span className="spacer" />
        {counts ? (
          <span className="muted" data-testid="task-counts">
            {all?.length ?? 0} {all?.length === 1 ? "task" : "tasks"} · {counts.open} open · {counts.in_progress} in progress · {counts.blocked} blocked ·{" "}
            {counts.closed} closed
          </span>
        ) : null}
      </div>
      <QueryContent query={tasks} what="tasks">
        {() => (
          <TaskList
            rows={rows}
            isPending={actions.isPending}
            onToggle={toggle}
            onStatusChange={actions.setStatus}
            onExpandRequest={setExpanding}
            projectCell={projects.length > 0 ? (task) => <ProjectName id={task.project_id} projects={projects} /> : undefined}
          />
        )}
      </QueryContent>
    </section>
  );
}
