/**
 * Task mutations with optimistic updates. The logic (snapshot in onMutate,
 * rollback + toast naming what failed in onError) lives in the mutation
 * defaults (lib/mutations.ts) so a change queued while disconnected keeps it
 * across a reload; these hooks only bind the keys and add conveniences.
 *
 * Each change gets its idempotency key here, when it is made: `mutate` takes the
 * variables without one and adds it, so every retry and replay of the change sends
 * the same key and the daemon applies it once.
 *
 * While the daemon socket is down, mutations pause (shown as pending rows) and
 * run in order once it is back.
 */
import { useCallback, useMemo } from "react";
import { useMutation, type MutateOptions, type UseMutationResult } from "@tanstack/react-query";
import type { ApiResult, CreateTaskInput, TaskStatus } from "../lib/api";
import { newIdempotencyKey } from "../lib/idempotencyKey";
import {
  mutationKeys,
  type CloseTaskVars,
  type CreateTaskVars,
  type ExpandTaskVars,
  type Keyed,
  type Unkeyed,
  type UpdateTaskFieldsVars,
  type UpdateTaskStatusVars,
} from "../lib/mutations";
import { newTempId, type TaskFieldChanges } from "../lib/optimistic";
import type { Task } from "../lib/ws/generated";

/** A mutation whose `mutate` mints the change's idempotency key unless the caller gave one. */
export type KeyedMutation<TData, TVars extends Keyed> = Omit<UseMutationResult<TData, Error, TVars>, "mutate"> & {
  readonly mutate: (vars: Unkeyed<TVars>, options?: MutateOptions<TData, Error, TVars>) => void;
};

export function withKey<TVars extends Keyed>(vars: Unkeyed<TVars>): TVars {
  return { ...vars, key: vars.key ?? newIdempotencyKey() } as TVars;
}

export function useKeyedMutation<TData, TVars extends Keyed>(mutationKey: readonly string[]): KeyedMutation<TData, TVars> {
  const mutation = useMutation<TData, Error, TVars>({ mutationKey });
  const { mutate } = mutation;
  const keyedMutate = useCallback(
    (vars: Unkeyed<TVars>, options?: MutateOptions<TData, Error, TVars>) => mutate(withKey<TVars>(vars), options),
    [mutate],
  );
  return useMemo(() => ({ ...mutation, mutate: keyedMutate }), [mutation, keyedMutate]);
}

export type CreateTaskMutation = KeyedMutation<ApiResult<Task>, CreateTaskVars> & {
  /** Creates a task; a placeholder row (pending) shows until the daemon confirms it. */
  readonly createTask: (input: CreateTaskInput) => void;
};

export function useCreateTask(): CreateTaskMutation {
  const mutation = useKeyedMutation<ApiResult<Task>, CreateTaskVars>(mutationKeys.createTask);
  const { mutate } = mutation;
  const createTask = useCallback((input: CreateTaskInput) => mutate({ input, tempId: newTempId() }), [mutate]);
  return { ...mutation, createTask };
}

export type UpdateTaskStatusMutation = KeyedMutation<ApiResult<Task>, UpdateTaskStatusVars> & {
  readonly setStatus: (task: Pick<Task, "id" | "title">, status: TaskStatus) => void;
};

export function useUpdateTaskStatus(): UpdateTaskStatusMutation {
  const mutation = useKeyedMutation<ApiResult<Task>, UpdateTaskStatusVars>(mutationKeys.updateTaskStatus);
  const { mutate } = mutation;
  const setStatus = useCallback(
    (task: Pick<Task, "id" | "title">, status: TaskStatus) => mutate({ id: task.id, status, title: task.title }),
    [mutate],
  );
  return { ...mutation, setStatus };
}

export type UpdateTaskFieldsMutation = KeyedMutation<ApiResult<Task>, UpdateTaskFieldsVars> & {
  /** Changes title, description, priority or labels; shown at once, put back with a toast if refused. */
  readonly updateFields: (task: Pick<Task, "id" | "title">, fields: TaskFieldChanges) => void;
};

export function useUpdateTaskFields(): UpdateTaskFieldsMutation {
  const mutation = useKeyedMutation<ApiResult<Task>, UpdateTaskFieldsVars>(mutationKeys.updateTaskFields);
  const { mutate } = mutation;
  const updateFields = useCallback(
    (task: Pick<Task, "id" | "title">, fields: TaskFieldChanges) => mutate({ id: task.id, fields, title: task.title }),
    [mutate],
  );
  return { ...mutation, updateFields };
}

export function useCloseTask(): KeyedMutation<ApiResult<Task>, CloseTaskVars> {
  return useKeyedMutation<ApiResult<Task>, CloseTaskVars>(mutationKeys.closeTask);
}

export function useExpandTask(): KeyedMutation<ApiResult<{ task: Task; subtasks: Task[] }>, ExpandTaskVars> {
  return useKeyedMutation<ApiResult<{ task: Task; subtasks: Task[] }>, ExpandTaskVars>(mutationKeys.expandTask);
}
