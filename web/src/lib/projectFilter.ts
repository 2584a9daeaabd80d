// Every list's project filter: `?project=prj_…` in the address (so a link opens a list
// narrowed to one project), `?project=none` for records that belong to none. Pure.
import type { Project } from "./ws/generated";

export const PROJECT_PARAM = "project";
export const NO_PROJECT = "none";

/** "" (every project), NO_PROJECT, or a project id. */
export type ProjectFilterValue = string;

export function parseProjectFilter(params: URLSearchParams): ProjectFilterValue {
  return params.get(PROJECT_PARAM) ?? "";
}

/** The params with this filter, keeping every other param (a view's own filters). */
export function withProjectFilter(params: URLSearchParams, value: ProjectFilterValue): URLSearchParams {
  const out = new URLSearchParams(params);
  if (value === "") out.delete(PROJECT_PARAM);
  else out.set(PROJECT_PARAM, value);
  return out;
}

export function matchesProject(projectId: string | null | undefined, filter: ProjectFilterValue): boolean {
  if (filter === "") return true;
  if (filter === NO_PROJECT) return projectId === null || projectId === undefined;
  return projectId === filter;
}

export function filterByProject<T extends { readonly project_id?: string | null }>(
  items: readonly T[],
  filter: ProjectFilterValue,
): T[] {
  return filter === "" ? [...items] : items.filter((item) => matchesProject(item.project_id, filter));
}

/** What a project column shows: the name, else the id of a project no longer registered, else none. */
export function projectLabel(projectId: string | null | undefined, projects: readonly Project[]): string | null {
  if (projectId === null || projectId === undefined) return null;
  return projects.find((p) => p.id === projectId)?.name ?? projectId;
}
