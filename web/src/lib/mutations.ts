/**
 * Mutation defaults, registered on the QueryClient by key. They live here and
 * not in the hooks because a mutation queued while the daemon was down is
 * persisted and may be resumed after a reload, when no component has called
 * useMutation for it: TanStack then finds mutationFn and the callbacks by key.
 *
 * Every mutation runs in one scope, so queued mutations replay in order.
 *
 * Exactly once: every change carries an idempotency key from the moment it is made (the hooks
 * mint it; see idempotencyKey.ts), and in-flight changes are persisted with the queued ones, so
 * a retry after a lost reply, a replay after a reload or after a daemon restart is applied by
 * the daemon once. A change made on a task still being created names its placeholder
 * (`tmp_…`); it waits behind the create in the queue and is sent to the real id, which the
 * create's reply records (`recordCreated`, persisted with the cache).
 */
import type { QueryClient } from "@tanstack/react-query";
import { toast } from "sonner";
import { api, ApiError, type ApiResult, type CreateTaskInput, type StartAgentInput, type TaskStatus } from "./api";
import type { AgentRun, Task } from "./ws/generated";
import {
  createdIds,
  insertTaskRow,
  optimisticTask,
  patchTaskRows,
  recordCreated,
  replaceTempRow,
  resolveTaskId,
  restoreTaskRows,
  showsFields,
  type RowSnapshot,
  type TaskFieldChanges,
} from "./optimistic";
import { registerLoopMutationDefaults } from "./loopMutations";
import { registerMcpMutationDefaults } from "./mcpMutations";
import { registerProjectMutationDefaults } from "./projectMutations";
import { registerWorktreeMutationDefaults } from "./worktreeMutations";
import { queryKeys } from "./queryKeys";

export const MUTATION_SCOPE = "tidewire";

export const mutationKeys = {
  createTask: ["tasks", "create"] as const,
  updateTaskStatus: ["tasks", "update-status"] as const,
  updateTaskFields: ["tasks", "update-fields"] as const,
  closeTask: ["tasks", "close"] as const,
  expandTask: ["tasks", "expand"] as const,
  startAgent: ["agents", "start"] as const,
  cancelAgent: ["agents", "cancel"] as const,
};

/** Every change's idempotency key, minted when the change is made (missing only in changes queued by older versions). */
export interface Keyed {
  readonly key: string;
}

/** A change's variables as callers give them: the hooks add the key. */
export type Unkeyed<V extends Keyed> = Omit<V, "key"> & { readonly key?: string };

export interface CreateTaskVars extends Keyed {
  readonly input: CreateTaskInput;
  /** Id of the placeholder row; chosen by the caller so it survives a reload. */
  readonly tempId: string;
}

export interface UpdateTaskStatusVars extends Keyed {
  readonly id: string;
  readonly status: TaskStatus;
  /** For the failure toast; the row's title when the change was made. */
  readonly title?: string;
}

export interface UpdateTaskFieldsVars extends Keyed {
  readonly id: string;
  readonly fields: TaskFieldChanges;
  /** For the failure toast; the task's title when the change was made. */
  readonly title?: string;
}

export interface CloseTaskVars extends Keyed {
  readonly id: string;
  readonly reason?: string;
  readonly title?: string;
}

export interface ExpandTaskVars extends Keyed {
  readonly id: string;
  readonly subtasks: { readonly title: string; readonly description?: string; readonly priority?: number }[];
  readonly title?: string;
}

export interface CancelAgentVars extends Keyed {
  readonly id: string;
}

export type StartAgentVars = StartAgentInput & Keyed;

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

/** Retries before a change that keeps failing to reach the daemon is given up (time offline does not count). */
export const MAX_RETRIES = 12;

/**
 * Failures that say nothing about the change are retried, with the same key (so a change that
 * was applied but whose reply was lost is not applied again): the daemon unreachable (the
 * retryer pauses while offline), the daemon unavailable, or the first try still running there.
 * Refusals fail at once.
 */
export function retryOnNetworkError(failureCount: number, error: unknown): boolean {
  if (!(error instanceof ApiError) || failureCount >= MAX_RETRIES) return false;
  return error.isNetworkError || error.status === 503 || error.code === "idempotency_key_in_flight";
}

/** The real id of the task a change names; a placeholder whose create failed cannot take changes. */
function targetOf(client: QueryClient, id: string, title: string | undefined): string {
  const real = resolveTaskId(createdIds(client), id);
  if (real === undefined) {
    throw new ApiError("not_created", `${quoted(title, id)} was never created, so the change has nowhere to go`, 404);
  }
  return real;
}

export function registerMutationDefaults(client: QueryClient): void {
  const refreshTasks = () => client.invalidateQueries({ queryKey: queryKeys.tasks.all });

  client.setMutationDefaults(mutationKeys.createTask, {
    mutationFn: (vars: CreateTaskVars): Promise<ApiResult<Task>> => {
      const parent = vars.input.parent_id;
      const input = parent ? { ...vars.input, parent_id: targetOf(client, parent, undefined) } : vars.input;
      return api.createTask(input, vars.key);
    },
    onMutate: async (vars: CreateTaskVars): Promise<RowContext> => {
      await client.cancelQueries({ queryKey: queryKeys.tasks.all });
      return { snapshot: insertTaskRow(client, optimisticTask(vars.tempId, vars.input)) };
    },
    onSuccess: (result: ApiResult<Task>, vars: CreateTaskVars) => {
      // Before the mutation settles, so the persisted cache has the pair by the time it is no longer queued.
      recordCreated(client, vars.tempId, result.data.id);
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
      api.updateTask(targetOf(client, vars.id, vars.title), { status: vars.status }, vars.key),
    ...optimisticStatus<UpdateTaskStatusVars>(
      (vars) => vars.status,
      (vars) => `Could not set ${quoted(vars.title, vars.id)} to ${vars.status}`,
    ),
  });

  // An edit from the task detail: the fields show at once, and go back (unless newer data came
  // in meanwhile) with a toast naming the task if the daemon refuses.
  client.setMutationDefaults(mutationKeys.updateTaskFields, {
    mutationFn: (vars: UpdateTaskFieldsVars): Promise<ApiResult<Task>> =>
      api.updateTask(targetOf(client, vars.id, vars.title), vars.fields, vars.key),
    onMutate: async (vars: UpdateTaskFieldsVars): Promise<RowContext> => {
      await client.cancelQueries({ queryKey: queryKeys.tasks.all });
      return { snapshot: patchTaskRows(client, vars.id, (t) => ({ ...t, ...vars.fields })) };
    },
    onError: (error: unknown, vars: UpdateTaskFieldsVars, context: RowContext | undefined) => {
      restoreTaskRows(client, vars.id, context?.snapshot ?? [], (t) => showsFields(t, vars.fields));
      toast.error(`Could not change ${quoted(vars.title, vars.id)}: ${describe(error)}`);
    },
    onSettled: refreshTasks,
  });

  client.setMutationDefaults(mutationKeys.closeTask, {
    mutationFn: (vars: CloseTaskVars): Promise<ApiResult<Task>> =>
      api.closeTask(targetOf(client, vars.id, vars.title), vars.reason, vars.key),
    ...optimisticStatus<CloseTaskVars>(
      () => "closed",
      (vars) => `Could not close ${quoted(vars.title, vars.id)}`,
    ),
  });

  client.setMutationDefaults(mutationKeys.expandTask, {
    mutationFn: (vars: ExpandTaskVars) =>
      api.expandTask(targetOf(client, vars.id, vars.title), { subtasks: vars.subtasks }, vars.key),
    onError: (error: unknown, vars: ExpandTaskVars) => {
      toast.error(`Could not expand ${quoted(vars.title, vars.id)}: ${describe(error)}`);
    },
    onSettled: refreshTasks,
  });

  client.setMutationDefaults(mutationKeys.startAgent, {
    mutationFn: ({ key, ...input }: StartAgentVars): Promise<ApiResult<AgentRun>> => api.startAgent(input, key),
    onError: (error: unknown) => {
      toast.error(`Could not start the agent: ${describe(error)}`);
    },
    onSettled: () => client.invalidateQueries({ queryKey: queryKeys.agents.all }),
  });

  client.setMutationDefaults(mutationKeys.cancelAgent, {
    mutationFn: (vars: CancelAgentVars): Promise<ApiResult<AgentRun>> => api.cancelAgent(vars.id, vars.key),
    onError: (error: unknown, vars: CancelAgentVars) => {
      toast.error(`Could not cancel agent ${vars.id}: ${describe(error)}`);
    },
    onSettled: () => client.invalidateQueries({ queryKey: queryKeys.agents.all }),
  });

  registerProjectMutationDefaults(client);
  registerMcpMutationDefaults(client);
  registerWorktreeMutationDefaults(client);
  registerLoopMutationDefaults(client);
}
