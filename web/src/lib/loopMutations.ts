/**
 * Start and stop autonomous loops. Both are optimistic: a start shows a placeholder row in the
 * loop list at once (taken out again, with a toast saying why, when the daemon refuses, e.g. a
 * project that already has a running loop); a stop shows the loop "stopping" at once and puts
 * its status back when the daemon refuses (a loop that had already stopped).
 */
import type { QueryClient } from "@tanstack/react-query";
import { toast } from "sonner";
import { api, ApiError, type ApiResult, type StartLoopInput } from "./api";
import { isLiveData, type LiveList } from "./liveData";
import type { Keyed } from "./mutations";
import { queryKeys } from "./queryKeys";
import type { AutonomousLoop } from "./ws/generated";

export const loopMutationKeys = {
  start: ["autonomous", "start"] as const,
  stop: ["autonomous", "stop"] as const,
};

export interface StartLoopVars extends Keyed {
  readonly input: StartLoopInput;
  /** Id of the placeholder row; chosen by the caller so it survives a reload. */
  readonly tempId: string;
  /** For the failure toast: the project's name when the loop was started. */
  readonly projectName?: string;
}

export interface StopLoopVars extends Keyed {
  readonly id: string;
}

interface StopContext {
  /** The loop's status before the stop, in the list and in its own page's cache. */
  readonly before: AutonomousLoop["status"] | null;
}

interface LiveItem<T> {
  readonly item: T;
  readonly seq: number;
  readonly epoch: string | null;
}

function describe(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  return error instanceof Error ? error.message : String(error);
}

/** The loop a start shows until the daemon answers. */
export function placeholderLoop(vars: StartLoopVars, now: string): AutonomousLoop {
  return {
    id: vars.tempId,
    project_id: vars.input.project_id,
    status: "running",
    iteration: 0,
    max_iterations: vars.input.max_iterations ?? null,
    max_failures: vars.input.max_failures ?? 3,
    failures: 0,
    current_task_id: null,
    started_at: now,
    stopped_at: null,
    stop_reason: null,
  };
}

function editList(client: QueryClient, edit: (items: AutonomousLoop[]) => AutonomousLoop[]): void {
  const list = client.getQueryData<LiveList<AutonomousLoop>>(queryKeys.loops.list());
  if (!isLiveData(list) || !Array.isArray(list.items)) return;
  client.setQueryData<LiveList<AutonomousLoop>>(queryKeys.loops.list(), { ...list, items: edit(list.items) });
}

/** Sets a loop's status in the list and its detail; only where it still shows `from` (when given). */
function setStatus(
  client: QueryClient,
  id: string,
  status: AutonomousLoop["status"],
  from?: AutonomousLoop["status"],
): void {
  const matches = (l: AutonomousLoop) => l.id === id && (from === undefined || l.status === from);
  editList(client, (items) => items.map((l) => (matches(l) ? { ...l, status } : l)));
  const detail = client.getQueryData<LiveItem<AutonomousLoop>>(queryKeys.loops.detail(id));
  if (isLiveData(detail) && detail.item !== undefined && matches(detail.item)) {
    client.setQueryData<LiveItem<AutonomousLoop>>(queryKeys.loops.detail(id), { ...detail, item: { ...detail.item, status } });
  }
}

export function registerLoopMutationDefaults(client: QueryClient): void {
  const refresh = () => client.invalidateQueries({ queryKey: queryKeys.loops.all });

  client.setMutationDefaults(loopMutationKeys.start, {
    mutationFn: (vars: StartLoopVars): Promise<ApiResult<AutonomousLoop>> => api.startLoop(vars.input, vars.key),
    onMutate: async (vars: StartLoopVars) => {
      await client.cancelQueries({ queryKey: queryKeys.loops.list() });
      editList(client, (items) => [placeholderLoop(vars, new Date().toISOString()), ...items]);
    },
    onSuccess: (result: ApiResult<AutonomousLoop>, vars: StartLoopVars) => {
      // The real row replaces the placeholder now; the refetch below confirms it.
      editList(client, (items) => [result.data, ...items.filter((l) => l.id !== vars.tempId && l.id !== result.data.id)]);
    },
    onError: (error: unknown, vars: StartLoopVars) => {
      editList(client, (items) => items.filter((l) => l.id !== vars.tempId));
      toast.error(`Could not start a loop${vars.projectName ? ` in ${vars.projectName}` : ""}: ${describe(error)}`);
    },
    onSettled: refresh,
  });

  client.setMutationDefaults(loopMutationKeys.stop, {
    mutationFn: (vars: StopLoopVars): Promise<ApiResult<AutonomousLoop>> => api.stopLoop(vars.id, vars.key),
    onMutate: async (vars: StopLoopVars): Promise<StopContext> => {
      await client.cancelQueries({ queryKey: queryKeys.loops.all });
      const detail = client.getQueryData<LiveItem<AutonomousLoop>>(queryKeys.loops.detail(vars.id));
      const listed = client.getQueryData<LiveList<AutonomousLoop>>(queryKeys.loops.list())?.items?.find((l) => l.id === vars.id);
      const before = detail?.item?.status ?? listed?.status ?? null;
      setStatus(client, vars.id, "stopping");
      return { before };
    },
    onError: (error: unknown, vars: StopLoopVars, context: StopContext | undefined) => {
      // Only where the stop's own "stopping" still shows: an event since then is newer than both.
      if (context?.before) setStatus(client, vars.id, context.before, "stopping");
      toast.error(`Could not stop loop ${vars.id}: ${describe(error)}`);
    },
    onSettled: refresh,
  });
}
