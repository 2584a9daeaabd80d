/**
 * Project events applied to the cached project list. Each `project.*` event carries the
 * whole record (`data.project`): `project.created` adds it where the daemon lists it (by
 * creation time), `project.updated` replaces it, `project.removed` drops it. So a page that
 * shows projects (a filter, a create form) learns of a new one without a reload or a refetch.
 *
 * A payload without a record, or a key this file does not know, answers undefined and
 * LiveSync refetches instead.
 */
import type { QueryKey } from "@tanstack/react-query";
import type { CacheEvent, ListPatch, LiveSync } from "./liveSync";
import type { LiveList } from "./liveData";
import type { Project } from "./ws/generated";

export const PATCHED_PROJECT_EVENTS = ["project.created", "project.updated", "project.removed"] as const;

function eventProject(event: CacheEvent): Project | undefined {
  const project = (event.data as { project?: unknown } | null)?.project;
  if (typeof project !== "object" || project === null) return undefined;
  const { id, name, created_at: createdAt } = project as Partial<Project>;
  if (typeof id !== "string" || typeof name !== "string" || typeof createdAt !== "string") return undefined;
  return project as Project;
}

/** Where a project goes so the list stays in the daemon's order (created_at, then id). */
function insertionIndex(items: readonly Project[], project: Project): number {
  let index = items.length;
  while (index > 0) {
    const before = items[index - 1] as Project;
    if (before.created_at < project.created_at || (before.created_at === project.created_at && before.id < project.id)) {
      break;
    }
    index -= 1;
  }
  return index;
}

export const applyProjectEvent: ListPatch = (queryKey: QueryKey, data: unknown, event: CacheEvent) => {
  if (queryKey[0] !== "projects" || queryKey[1] !== "list") return undefined;
  const list = data as LiveList<Project>;
  if (!Array.isArray(list.items)) return undefined;
  const project = eventProject(event);
  if (project === undefined) return undefined;
  const index = list.items.findIndex((p) => p.id === project.id);
  const items = list.items.slice();
  if (event.type === "project.removed") {
    if (index < 0) return list;
    items.splice(index, 1);
  } else if (index >= 0) {
    items[index] = project;
  } else {
    items.splice(insertionIndex(items, project), 0, project);
  }
  return { ...list, items };
};

export function registerProjectPatches(sync: LiveSync): void {
  for (const type of PATCHED_PROJECT_EVENTS) sync.registerListPatch(type, applyProjectEvent);
}
