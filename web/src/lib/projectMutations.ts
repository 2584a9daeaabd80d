/**
 * Register, rename and remove projects, optimistically: the project list shows the change
 * at once and takes it back, with a toast saying why, when the daemon refuses it. Defaults
 * by mutation key, like the task mutations (see mutations.ts), so a change queued while
 * the daemon is down survives a reload.
 */
import type { QueryClient } from "@tanstack/react-query";
import { toast } from "sonner";
import { api, ApiError, type ApiResult, type RegisterProjectInput } from "./api";
import { isLiveData, type LiveList } from "./liveData";
import { queryKeys } from "./queryKeys";
import type { Keyed } from "./mutations";
import type { Project } from "./ws/generated";

export const projectMutationKeys = {
  register: ["projects", "register"] as const,
  rename: ["projects", "rename"] as const,
  remove: ["projects", "remove"] as const,
};

export interface RegisterProjectVars extends Keyed {
  readonly input: RegisterProjectInput;
  /** Id of the placeholder row until the daemon answers. */
  readonly tempId: string;
}

export interface RenameProjectVars extends Keyed {
  readonly id: string;
  readonly name: string;
  /** The name before, for the failure toast. */
  readonly previous: string;
}

export interface RemoveProjectVars extends Keyed {
  readonly id: string;
  readonly name: string;
}

interface ProjectContext {
  /** The row as it was before the change; null when the change added it. */
  readonly before: Project | null;
  readonly index: number;
}

const listKey = queryKeys.projects.list();

function describe(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  return error instanceof Error ? error.message : String(error);
}

/** The name the daemon will give a project registered without one: the directory's. */
export function defaultName(path: string): string {
  const parts = path.split("/").filter((part) => part.length > 0);
  return parts[parts.length - 1] ?? path;
}

export function placeholderProject(tempId: string, input: RegisterProjectInput, now: Date = new Date()): Project {
  const trimmed = input.path.trim();
  return {
    id: tempId,
    name: input.name?.trim() || defaultName(trimmed),
    path: trimmed,
    created_at: now.toISOString().replace(/\.\d+Z$/u, "Z"),
  };
}

/** Rewrites the cached project list (when there is one); returns the items it held. */
function edit(client: QueryClient, change: (items: Project[]) => Project[]): Project[] | undefined {
  const list = client.getQueryData<LiveList<Project>>(listKey);
  if (!isLiveData(list) || !Array.isArray(list.items)) return undefined;
  client.setQueryData<LiveList<Project>>(listKey, { ...list, items: change(list.items.slice()) });
  return list.items;
}

export function registerProjectMutationDefaults(client: QueryClient): void {
  const refresh = () => client.invalidateQueries({ queryKey: queryKeys.projects.all });

  client.setMutationDefaults(projectMutationKeys.register, {
    mutationFn: (vars: RegisterProjectVars): Promise<ApiResult<Project>> => api.registerProject(vars.input, vars.key),
    onMutate: async (vars: RegisterProjectVars): Promise<ProjectContext> => {
      await client.cancelQueries({ queryKey: queryKeys.projects.all });
      const row = placeholderProject(vars.tempId, vars.input);
      edit(client, (items) => [...items, row]);
      return { before: null, index: -1 };
    },
    onSuccess: (result: ApiResult<Project>, vars: RegisterProjectVars) => {
      // The project.created event may have brought the real row already: keep one of it.
      edit(client, (items) => {
        const rest = items.filter((p) => p.id !== result.data.id);
        const at = rest.findIndex((p) => p.id === vars.tempId);
        if (at < 0) return items;
        rest[at] = result.data;
        return rest;
      });
    },
    onError: (error: unknown, vars: RegisterProjectVars) => {
      edit(client, (items) => items.filter((p) => p.id !== vars.tempId));
      toast.error(`Could not register ${vars.input.path.trim()}: ${describe(error)}`);
    },
    onSettled: refresh,
  });

  client.setMutationDefaults(projectMutationKeys.rename, {
    mutationFn: (vars: RenameProjectVars): Promise<ApiResult<Project>> => api.renameProject(vars.id, vars.name, vars.key),
    onMutate: async (vars: RenameProjectVars): Promise<ProjectContext> => {
      await client.cancelQueries({ queryKey: queryKeys.projects.all });
      let before: Project | null = null;
      edit(client, (items) =>
        items.map((p) => {
          if (p.id !== vars.id) return p;
          before = p;
          return { ...p, name: vars.name };
        }),
      );
      return { before, index: -1 };
    },
    onError: (error: unknown, vars: RenameProjectVars, context: ProjectContext | undefined) => {
      const before = context?.before ?? null;
      // Put the old name back unless something newer (an event) has replaced the optimistic one.
      if (before !== null) {
        edit(client, (items) => items.map((p) => (p.id === vars.id && p.name === vars.name ? before : p)));
      }
      toast.error(`Could not rename "${vars.previous}": ${describe(error)}`);
    },
    onSettled: refresh,
  });

  client.setMutationDefaults(projectMutationKeys.remove, {
    mutationFn: (vars: RemoveProjectVars): Promise<ApiResult<Project>> => api.removeProject(vars.id, vars.key),
    onMutate: async (vars: RemoveProjectVars): Promise<ProjectContext> => {
      await client.cancelQueries({ queryKey: queryKeys.projects.all });
      let before: Project | null = null;
      let index = -1;
      edit(client, (items) => {
        index = items.findIndex((p) => p.id === vars.id);
        if (index < 0) return items;
        before = items[index] as Project;
        return items.filter((p) => p.id !== vars.id);
      });
      return { before, index };
    },
    onError: (error: unknown, vars: RemoveProjectVars, context: ProjectContext | undefined) => {
      const before = context?.before ?? null;
      if (before !== null) {
        edit(client, (items) => {
          if (items.some((p) => p.id === vars.id)) return items;
          items.splice(Math.min(context?.index ?? items.length, items.length), 0, before);
          return items;
        });
      }
      toast.error(`Could not remove "${vars.name}": ${describe(error)}`);
    },
    onSettled: refresh,
  });
}
