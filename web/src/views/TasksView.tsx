import { useEffect, useMemo, useRef, useState } from "react";
import { useLocation, useNavigate, useParams } from "react-router-dom";
import { TaskList } from "../components/TaskList";
import { TaskBoard } from "../components/TaskBoard";
import { TaskDetailPanel } from "../components/TaskDetailPanel";
import { ShortcutHelp } from "../components/ShortcutHelp";
import { ExpandTaskForm, TaskCreateForm } from "../components/TaskForms";
import { BOARD_COLUMNS, groupByStatus } from "../components/boardMove";
import {
  allLabels,
  compareTasks,
  countByStatus,
  countLabel,
  isFiltering,
  matchesFilter,
  visibleRows,
  type TaskFilter,
  type TaskSort,
} from "../components/taskTree";
import { QueryContent } from "../components/QueryContent";
import { ProjectFilter, ProjectName, useProjectFilter } from "../components/ProjectFilter";
import { filterByProject } from "../lib/projectFilter";
import { useAddressState } from "../hooks/useAddressState";
import { useTaskShortcuts } from "../hooks/useTaskShortcuts";
import {
  parseTaskParams,
  serializeTaskParams,
  type TaskListParams,
  type TaskView,
} from "../lib/taskFilterParams";
import { useProjectsList, useTaskActions, useTasksData, type Task, type TaskStatus } from "./data";

const SORT_LABELS: Record<TaskSort, string> = {
  priority: "By status and priority",
  newest: "Newest first",
  oldest: "Oldest first",
  updated: "Recently updated",
  title: "Title A–Z",
};

const fmt = (n: number): string => n.toLocaleString("en-US");

const writeTaskParams = (prev: URLSearchParams, next: TaskListParams): URLSearchParams => serializeTaskParams(next, prev);

export function TasksView(): React.JSX.Element {
  const tasks = useTasksData();
  const actions = useTaskActions();
  const projects = useProjectsList();
  const navigate = useNavigate();
  const location = useLocation();
  const { taskId } = useParams();
  const [expanded, setExpanded] = useState<ReadonlySet<string>>(() => new Set());
  // Filter, sort and view live in the address: links open the list filtered, reload and back/forward keep it.
  // A pick (status, sort, view) shows at once; typing (`replace`) stays a plain transition.
  const [{ filter, sort, view = "list" }, setTaskParams] = useAddressState(parseTaskParams, writeTaskParams);
  const update = (next: TaskListParams, replace: boolean): void => setTaskParams(next, { replace });
  // Typing replaces the entry (no history step per keystroke); picking a status or sort adds one.
  const setFilter = (next: TaskFilter, replace = false): void => update({ filter: next, sort, view }, replace);
  const setSort = (next: TaskSort): void => update({ filter, sort: next, view }, false);
  const setView = (next: TaskView): void => update({ filter, sort, view: next }, false);
  const [expanding, setExpanding] = useState<Task | null>(null);
  const [project, setProject] = useProjectFilter();
  const [selectedId, setSelectedId] = useState<string | null>(taskId ?? null);
  const [focusKey, setFocusKey] = useState(0);
  const [helpOpen, setHelpOpen] = useState(false);
  const sectionRef = useRef<HTMLElement>(null);
  const searchRef = useRef<HTMLInputElement>(null);
  // The search box keeps its own text: the address follows it, but an address update lands
  // later (navigations are transitions), so a box fed from the address drops fast keystrokes.
  // The address wins only when the box is not being typed in (back/forward, a link).
  const [searchText, setSearchText] = useState(filter.text);
  useEffect(() => {
    if (document.activeElement !== searchRef.current) setSearchText(filter.text);
  }, [filter.text]);
  // What the controls show: the other filters from the address, the text from the box.
  const current: TaskFilter = { ...filter, text: searchText };

  // Subtasks share their parent's project, so narrowing by project keeps every tree whole.
  const all = useMemo(() => (tasks.data ? filterByProject(tasks.data, project) : undefined), [tasks.data, project]);
  const filtering = isFiltering(filter);
  const rows = useMemo(() => (all ? visibleRows(all, expanded, filter, sort) : []), [all, expanded, filter, sort]);
  const matching = useMemo(
    () => (all ? all.filter((t) => matchesFilter(t, filter)).sort(compareTasks(sort)) : []),
    [all, filter, sort],
  );
  const counts = useMemo(() => countByStatus(matching), [matching]);
  const labels = useMemo(() => (all ? allLabels(all) : []), [all]);
  // The order j and k walk: the rows of the list, or the board column by column.
  const order = useMemo(() => {
    if (view === "list") return rows.map((r) => r.task);
    const columns = groupByStatus(matching);
    return BOARD_COLUMNS.flatMap((c) => columns[c.status]);
  }, [view, rows, matching]);
  const detailTask = taskId === undefined ? undefined : tasks.data?.find((t) => t.id === taskId);

  const open = (task: Task): void => {
    setSelectedId(task.id);
    void navigate({ pathname: `/tasks/${encodeURIComponent(task.id)}`, search: location.search });
  };
  const close = (): void => void navigate({ pathname: "/tasks", search: location.search });
  const move = (step: number): void => {
    if (order.length === 0) return;
    const at = selectedId === null ? -1 : order.findIndex((t) => t.id === selectedId);
    const next = at < 0 ? (step > 0 ? 0 : order.length - 1) : Math.min(order.length - 1, Math.max(0, at + step));
    setSelectedId(order[next]!.id);
    setFocusKey((k) => k + 1);
  };

  useTaskShortcuts((action) => {
    if (helpOpen) {
      if (action === "close" || action === "help") setHelpOpen(false);
      return;
    }
    switch (action) {
      case "create":
        sectionRef.current?.querySelector<HTMLInputElement>('form[aria-label="New task"] input')?.focus();
        return;
      case "search":
        searchRef.current?.focus();
        return;
      case "next":
        move(1);
        return;
      case "previous":
        move(-1);
        return;
      case "open": {
        const task = order.find((t) => t.id === selectedId);
        if (task === undefined) return false;
        open(task);
        return;
      }
      case "help":
        setHelpOpen(true);
        return;
      case "close":
        if (taskId === undefined) return false;
        close();
        return;
    }
  });

  const toggle = (task: Task): void =>
    setExpanded((prev) => {
      const next = new Set(prev);
      if (next.has(task.id)) next.delete(task.id);
      else next.add(task.id);
      return next;
    });

  return (
    <section aria-labelledby="tasks-title" ref={sectionRef}>
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
          ref={searchRef}
          type="search"
          aria-label="Filter tasks"
          placeholder="Filter by title, id or label  ( / )"
          value={searchText}
          onChange={(e) => {
            setSearchText(e.target.value);
            setFilter({ ...current, text: e.target.value }, true);
          }}
        />
        <select
          aria-label="Status filter"
          value={filter.status}
          onChange={(e) => setFilter({ ...current, status: e.target.value as TaskStatus | "all" | "not_closed" })}
        >
          <option value="all">All (tree)</option>
          <option value="not_closed">Not closed</option>
          <option value="open">Open</option>
          <option value="in_progress">In progress</option>
          <option value="blocked">Blocked</option>
          <option value="closed">Closed</option>
        </select>
        <ProjectFilter projects={projects} value={project} onChange={setProject} />
        <select
          aria-label="Priority filter"
          value={filter.priority === undefined ? "" : String(filter.priority)}
          onChange={(e) => setFilter({ ...current, priority: e.target.value === "" ? undefined : Number(e.target.value) })}
        >
          <option value="">Any priority</option>
          {[0, 1, 2, 3, 4].map((p) => (
            <option key={p} value={p}>
              P{p}
            </option>
          ))}
        </select>
        <select
          aria-label="Label filter"
          value={filter.label ?? ""}
          onChange={(e) => setFilter({ ...current, label: e.target.value || undefined })}
        >
          <option value="">Any label</option>
          {(filter.label && !labels.includes(filter.label) ? [filter.label, ...labels] : labels).map((l) => (
            <option key={l} value={l}>
              {l}
            </option>
          ))}
        </select>
        <select aria-label="Sort" value={sort} onChange={(e) => setSort(e.target.value as TaskSort)}>
          {(Object.keys(SORT_LABELS) as TaskSort[]).map((s) => (
            <option key={s} value={s}>
              {SORT_LABELS[s]}
            </option>
          ))}
        </select>
        <span className="view-switch" role="group" aria-label="View">
          <button type="button" aria-pressed={view === "list"} onClick={() => setView("list")}>
            List
          </button>
          <button type="button" aria-pressed={view === "board"} onClick={() => setView("board")}>
            Board
          </button>
        </span>
        <button type="button" className="link" onClick={() => setHelpOpen(true)} aria-label="Keyboard shortcuts (?)">
          ?
        </button>
        <span className="spacer" />
        {all ? (
          <span className="muted" data-testid="task-counts" aria-live="polite">
            {countLabel(matching.length, all.length, filtering)} · {fmt(counts.open)} open · {fmt(counts.in_progress)} in
            progress · {fmt(counts.blocked)} blocked · {fmt(counts.closed)} closed
          </span>
        ) : null}
      </div>
      <div className={taskId === undefined ? "tasks-layout" : "tasks-layout with-detail"}>
        <div>
          <QueryContent query={tasks} what="tasks">
            {() =>
              view === "board" ? (
                <TaskBoard
                  tasks={matching}
                  isPending={actions.isPending}
                  onMove={actions.setStatus}
                  onOpen={open}
                  selectedId={selectedId}
                  focusKey={focusKey}
                />
              ) : (
                <TaskList
                  rows={rows}
                  isPending={actions.isPending}
                  onToggle={toggle}
                  onStatusChange={actions.setStatus}
                  onExpandRequest={setExpanding}
                  onOpen={open}
                  selectedId={selectedId}
                  focusKey={focusKey}
                  projectCell={projects.length > 0 ? (task) => <ProjectName id={task.project_id} projects={projects} /> : undefined}
                />
              )
            }
          </QueryContent>
        </div>
        {taskId !== undefined ? (
          <TaskDetailPanel id={taskId} task={detailTask} tasks={tasks.data} actions={actions} onClose={close} />
        ) : null}
      </div>
      {helpOpen ? <ShortcutHelp onClose={() => setHelpOpen(false)} /> : null}
    </section>
  );
}
