// The task list's filter and sort live in the address (`/tasks?status=in_progress&q=login`),
// so a link can open the list filtered, and reload and back/forward keep what was chosen.
// Pure: URLSearchParams in, values out, and back; defaults are left out of the address.
import type { TaskFilter, TaskSort } from "../components/taskTree";

export interface TaskListParams {
  filter: TaskFilter;
  sort: TaskSort;
}

const STATUSES: readonly TaskFilter["status"][] = ["all", "not_closed", "open", "in_progress", "blocked", "closed"];
const SORTS: readonly TaskSort[] = ["priority", "newest"];

export const DEFAULT_TASK_PARAMS: TaskListParams = { filter: { status: "all", text: "" }, sort: "priority" };

function oneOf<T extends string>(value: string | null, allowed: readonly T[], fallback: T): T {
  // An address typed or edited by hand may hold anything; unknown values fall back quietly.
  return value !== null && (allowed as readonly string[]).includes(value) ? (value as T) : fallback;
}

export function parseTaskParams(params: URLSearchParams): TaskListParams {
  return {
    filter: {
      status: oneOf(params.get("status"), STATUSES, DEFAULT_TASK_PARAMS.filter.status),
      text: params.get("q") ?? "",
    },
    sort: oneOf(params.get("sort"), SORTS, DEFAULT_TASK_PARAMS.sort),
  };
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
  set("sort", values.sort, DEFAULT_TASK_PARAMS.sort);
  return out;
}

/** `?status=…` (or "" for the default) for a link to the task list with this filter. */
export function tasksSearch(filter: TaskFilter, sort: TaskSort = DEFAULT_TASK_PARAMS.sort): string {
  const text = serializeTaskParams({ filter, sort }).toString();
  return text ? `?${text}` : "";
}
