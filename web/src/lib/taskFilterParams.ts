// The task list's filter, sort and view live in the address
// (`/tasks?status=in_progress&q=login&label=ui&sort=updated&view=board`), so a link can open the
// list filtered, and reload and back/forward keep what was chosen.
// Pure: URLSearchParams in, values out, and back; defaults are left out of the address.
import type { TaskFilter, TaskSort } from "../components/taskTree";

export type TaskView = "list" | "board";

export interface TaskListParams {
  filter: TaskFilter;
  sort: TaskSort;
  /** List (the default) or board by status. */
  view?: TaskView;
}

const STATUSES: readonly TaskFilter["status"][] = ["all", "not_closed", "open", "in_progress", "blocked", "closed"];
export const TASK_SORTS: readonly TaskSort[] = ["priority", "newest", "oldest", "updated", "title"];
const VIEWS: readonly TaskView[] = ["list", "board"];
const PRIORITIES = ["0", "1", "2", "3", "4"] as const;

export const DEFAULT_TASK_PARAMS: TaskListParams = { filter: { status: "all", text: "" }, sort: "priority" };

function oneOf<T extends string>(value: string | null, allowed: readonly T[], fallback: T): T {
  // An address typed or edited by hand may hold anything; unknown values fall back quietly.
  return value !== null && (allowed as readonly string[]).includes(value) ? (value as T) : fallback;
}

export function parseTaskParams(params: URLSearchParams): TaskListParams {
  const filter: TaskFilter = {
    status: oneOf(params.get("status"), STATUSES, DEFAULT_TASK_PARAMS.filter.status),
    text: params.get("q") ?? "",
  };
  const priority = params.get("priority");
  if (priority !== null && (PRIORITIES as readonly string[]).includes(priority)) filter.priority = Number(priority);
  const label = params.get("label")?.trim();
  if (label) filter.label = label;
  const out: TaskListParams = { filter, sort: oneOf(params.get("sort"), TASK_SORTS, DEFAULT_TASK_PARAMS.sort) };
  const view = oneOf(params.get("view"), VIEWS, "list");
  if (view !== "list") out.view = view;
  return out;
}

/**
 * The search params for these values, keeping any other params already in `base` (so one
 * view's params do not wipe another's). Defaults are removed, so the plain list is `/tasks`.
 */
export function serializeTaskParams(values: TaskListParams, base?: URLSearchParams): URLSearchParams {
  const out = new URLSearchParams(base);
  const set = (key: string, value: string, fallback: string): void => {
    if (value === fallback) out.delete(key);
    else out.set(key, value);
  };
  set("status", values.filter.status, DEFAULT_TASK_PARAMS.filter.status);
  set("q", values.filter.text, DEFAULT_TASK_PARAMS.filter.text);
  set("priority", values.filter.priority === undefined ? "" : String(values.filter.priority), "");
  set("label", values.filter.label?.trim() ?? "", "");
  set("sort", values.sort, DEFAULT_TASK_PARAMS.sort);
  set("view", values.view ?? "list", "list");
  return out;
}

/** `?status=…` (or "" for the default) for a link to the task list with this filter. */
export function tasksSearch(filter: TaskFilter, sort: TaskSort = DEFAULT_TASK_PARAMS.sort): string {
  const text = serializeTaskParams({ filter, sort }).toString();
  return text ? `?${text}` : "";
}
