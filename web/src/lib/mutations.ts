/**
 * Mutation defaults, registered on the QueryClient by key. They live here and
 * not in the hooks because a mutation queued while the daemon was down is
 * persisted and may be resumed after a reload, when no component has called
 * useMutation for it: TanStack then finds mutationFn and the callbacks by key.
 *
 * Every mutation runs in one scope, so queued mutations replay in order.
 */
import type { QueryClient } from "@tanstack/react-query";
import { toast } from "sonner";
import { api, ApiError, type ApiResult, type CreateTaskInput, type StartAgentInput, type TaskStatus } from "./api";
import type { AgentRun, Task } from "./ws/generated";
import {
  insertTaskRow,
  optimisticTask,
  patchTaskRows,
  replaceTempRow,
  restoreTaskRows,
  type RowSnapshot,
} from "./optimistic";
import { queryKeys } from "./queryKeys";

export const MUTATION_SCOPE = "tidewire";

export const mutationKeys = {
  createTask: ["tasks", "create"] as const,
  updateTaskStatus: ["tasks", "update-status"] as const,
  closeTask: ["tasks", "close"] as const,
  expandTask: ["tasks", "expand"] as const,
  startAgent: ["agents", "start"] as const,
  cancelAgent: ["agents", "cancel"] as const,
};

export interface CreateTaskVars {
  readonly input: CreateTaskInput;
  /** Id of the placeholder row; chosen by the caller so it survives a reload. */
  readonly tempId: string;
}

export interface UpdateTaskStatusVars {
  readonly id: string;
  readonly status: TaskStatus;
  /** For the failure toast; the row's title when the change was made. */
  readonly title?: string;
}

export interface CloseTaskVars {
  readonly id: string;
  readonly reason?: string;
  readonly title?: string;
}

export interface ExpandTaskVars {
  readonly id: string;
  readonly subtasks: { readonly title: string; readonly description?: string; readonly priority?: number }[];
  readonly title?: string;
}

export interface CancelAgentVars {
  readonly id: string;
}

interface RowContext {
  readonly snapshot: RowSnapshot;
}

function describe(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  return error instanceof Error ? error.message : String(error);
}

function quoted(title: string | undefined, id: string): string {
  return title ? `"${title}"` : id;
}

/** Network failures wait for the daemon (the retryer pauses while offline); refusals fail at once. */
export function retryOnNetworkError(failureCount: number, error: unknown): boolean {
  return error instanceof ApiError && error.isNetworkError && failureCount < 5;
}

export function registerMutationDefaults(client: QueryClient): void {
  const refreshTasks = () => client.invalidateQueries({ queryKey: queryKeys.tasks.all });

  client.setMutationDefaults(mutationKeys.createTask, {
    mutationFn: (vars: CreateTaskVars): Promise<ApiResult<Task>> => api.createTask(vars.input),
    onMutate: async (vars: CreateTaskVars): Promise<RowContext> => {
      await client.cancelQueries({ queryKey: queryKeys.tasks.all });
      return { snapshot: insertTaskRow(client, optimisticTask(vars.tempId, vars.input)) };
    },
    onSuccess: (result: ApiResult<Task>, vars: CreateTaskVars) => {
      replaceTempRow(client, vars.tempId, result.data);
    },
    onError: (error: unknown, vars: CreateTaskVars, context: RowContext | undefined) => {
      restoreTaskRows(client, vars.tempId, context?.snapshot ?? [], () => true);
      toast.error(`Could not create task "${vars.input.title}": ${describe(error)}`);
    },
    onSettled: refreshTasks,
  });

  // A status change and a close differ only in the call and the message: both show the new
  // status at once and put the row back if the daemon refuses (unless it has moved on since).
  const optimisticStatus = <V extends { readonly id: string }>(
    statusOf: (vars: V) => TaskStatus,
    failure: (vars: V) => string,
  ) => ({
    onMutate: async (vars: V): Promise<RowContext> => {
      await client.cancelQueries({ queryKey: queryKeys.tasks.all });
      const status = statusOf(vars);
      return { snapshot: patchTaskRows(client, vars.id, (t) => ({ ...t, status })) };
    },
    onError: (error: unknown, vars: V, context: RowContext | undefined) => {
      const status = statusOf(vars);
      restoreTaskRows(client, vars.id, context?.snapshot ?? [], (t) => t.status === status);
      toast.error(`${failure(vars)}: ${describe(error)}`);
    },
    onSettled: refreshTasks,
  });

  client.setMutationDefaults(mutationKeys.updateTaskStatus, {
    mutationFn: (vars: UpdateTaskStatusVars): Promise<ApiResult<Task>> =>
      api.updateTask(vars.id, { status: vars.status }),
    ...optimisticStatus<UpdateTaskStatusVars>(
      (vars) => vars.status,
      (vars) => `Could not set ${quoted(vars.title, vars.id)} to ${vars.status}`,
    ),
  });

  client.setMutationDefaults(mutationKeys.closeTask, {
    mutationFn: (vars: CloseTaskVars): Promise<ApiResult<Task>> => api.closeTask(vars.id, vars.reason),
    ...optimisticStatus<CloseTaskVars>(
      () => "closed",
      (vars) => `Could not close ${quoted(vars.title, vars.id)}`,
    ),
  });

  client.setMutationDefaults(mutationKeys.expandTask, {
    mutationFn: (vars: ExpandTaskVars) => api.expandTask(vars.id, { subtasks: vars.subtasks }),
    onError: (error: unknown, vars: ExpandTaskVars) => {
      toast.error(`Could not expand ${quoted(vars.title, vars.id)}: ${describe(error)}`);
    },
    onSettled: refreshTasks,
  });

  client.setMutationDefaults(mutationKeys.startAgent, {
    mutationFn: (vars: StartAgentInput): Promise<ApiResult<AgentRun>> => api.startAgent(vars),
    onError: (error: unknown) => {
      toast.error(`Could not start the agent: ${describe(error)}`);
    },
    onSettled: () => client.invalidateQueries({ queryKey: queryKeys.agents.all }),
  });

  client.setMutationDefaults(mutationKeys.cancelAgent, {
    mutationFn: (vars: CancelAgentVars): Promise<ApiResult<AgentRun>> => api.cancelAgent(vars.id),
    onError: (error: unknown, vars: CancelAgentVars) => {
      toast.error(`Could not cancel agent ${vars.id}: ${describe(error)}`);
    },
    onSettled: () => client.invalidateQueries({ queryKey: queryKeys.agents.all }),
  });
}
