/**
 * Task mutations with optimistic updates. The logic (snapshot in onMutate,
 * rollback + toast naming what failed in onError) lives in the mutation
 * defaults (lib/mutations.ts) so a change queued while disconnected keeps it
 * across a reload; these hooks only bind the keys and add conveniences.
 *
 * While the daemon socket is down, mutations pause (shown as pending rows) and
 * run in order once it is back.
 */
import { useCallback } from "react";
import { useMutation, type UseMutationResult } from "@tanstack/react-query";
import type { ApiResult, CreateTaskInput, TaskStatus } from "../lib/api";
import {
  mutationKeys,
  type CloseTaskVars,
  type CreateTaskVars,
  type ExpandTaskVars,
  type UpdateTaskStatusVars,
} from "../lib/mutations";
import { newTempId } from "../lib/optimistic";
import type { Task } from "../lib/ws/generated";

export type CreateTaskMutation = UseMutationResult<ApiResult<Task>, Error, CreateTaskVars> & {
  /** Creates a task; a placeholder row (pending) shows until the daemon confirms it. */
  readonly createTask: (input: CreateTaskInput) => void;
};

export function useCreateTask(): CreateTaskMutation {
  const mutation = useMutation<ApiResult<Task>, Error, CreateTaskVars>({ mutationKey: mutationKeys.createTask });
  const { mutate } = mutation;
  const createTask = useCallback((input: CreateTaskInput) => mutate({ input, tempId: newTempId() }), [mutate]);
  return Object.assign(mutation, { createTask });
}

export type UpdateTaskStatusMutation = UseMutationResult<ApiResult<Task>, Error, UpdateTaskStatusVars> & {
  readonly setStatus: (task: Pick<Task, "id" | "title">, status: TaskStatus) => void;
};

export function useUpdateTaskStatus(): UpdateTaskStatusMutation {
  const mutation = useMutation<ApiResult<Task>, Error, UpdateTaskStatusVars>({
    mutationKey: mutationKeys.updateTaskStatus,
  });
  const { mutate } = mutation;
  const setStatus = useCallback(
    (task: Pick<Task, "id" | "title">, status: TaskStatus) => mutate({ id: task.id, status, title: task.title }),
    [mutate],
  );
  return Object.assign(mutation, { setStatus });
}

export function useCloseTask(): UseMutationResult<ApiResult<Task>, Error, CloseTaskVars> {
  return useMutation<ApiResult<Task>, Error, CloseTaskVars>({ mutationKey: mutationKeys.closeTask });
}

export function useExpandTask(): UseMutationResult<ApiResult<{ task: Task; subtasks: Task[] }>, Error, ExpandTaskVars> {
  return useMutation<ApiResult<{ task: Task; subtasks: Task[] }>, Error, ExpandTaskVars>({
    mutationKey: mutationKeys.expandTask,
  });
}
