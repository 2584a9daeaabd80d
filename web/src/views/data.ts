// The views' one window onto the data layer: every hook a view calls comes from here, so
// the views stay independent of how the cache and the socket are wired.
import { useCallback, useMemo } from "react";
import { useIsMutating } from "@tanstack/react-query";
import type { ConnectionLogEntry, ConnectionQuality, ConnectionState } from "../lib/ws/types";
import type { AgentRun, McpServer, Project, Session, SessionMessage, Task, Worktree } from "../lib/ws/generated";
import { useProjects } from "../hooks/useProjects";
import { useRegisterProject, useRemoveProject, useRenameProject } from "../hooks/useProjectMutations";
import { newTempId } from "../lib/optimistic";
import { useAgentsLive } from "../hooks/useAgentsLive";
import { useCancelAgent, useStartAgent } from "../hooks/useAgentMutations";
import { useIsStale } from "../hooks/useLiveQuery";
import { useMCPServersLive } from "../hooks/useMCPServersLive";
import { useSessionLive, useSessionMessagesLive, useSessionsLive } from "../hooks/useSessionsLive";
import { useCloseTask, useCreateTask, useExpandTask, useUpdateTaskFields, useUpdateTaskStatus, withKey } from "../hooks/useTaskMutations";
import { useTaskHistory, type TaskHistory } from "../hooks/useTaskHistory";
import type { TaskFieldChanges } from "../lib/optimistic";
import { usePendingTaskChanges, useTasksLive } from "../hooks/useTasksLive";
import { useWebSocket } from "../hooks/useWebSocket";
import { useWorktreesLive } from "../hooks/useWorktreesLive";
import type { NewTaskInput } from "../components/TaskForms";

export { useActivity } from "../components/ActivityProvider";
export * from "./loopData";
export { useAttention, useDesktopNotifications, useNotifySetting, type Attention } from "../hooks/useAttention";
export type { ActivityItem, ActivitySnapshot } from "../components/activityStore";
export type { ConnectionState, ConnectionQuality, ConnectionLogEntry };
export type { AgentRun, McpServer, Project, Session, SessionMessage, Task, Worktree };
export type TaskStatus = Task["status"];
export type { TaskFieldChanges, TaskHistory };
export type { HistoryEntry } from "../lib/taskHistory";

/** A task's recent history (from the daemon's in-memory event log), kept live. */
export function useTaskHistoryData(id: string): QueryView<TaskHistory> {
  const q = useTaskHistory(id);
  return view(q, q.data);
}

export interface QueryView<T> {
  data: T | undefined;
  /** The first load is still in flight: show a skeleton, never an empty state or a zero. */
  isPending: boolean;
  isError: boolean;
  error: Error | null;
}

function view<T>(
  q: { data: unknown; isPending: boolean; isError: boolean; error: Error | null },
  items: T | undefined,
): QueryView<T> {
  return { data: q.data === undefined ? undefined : items, isPending: q.isPending, isError: q.isError, error: q.error };
}

export function useTasksData(): QueryView<Task[]> {
  const q = useTasksLive();
  return view(q, q.tasks);
}

/** The registered projects, live; an empty list until they load (or if they fail). */
export function useProjectsList(): readonly Project[] {
  return useProjects().data?.items ?? NO_PROJECTS;
}
const NO_PROJECTS: readonly Project[] = [];

export function useProjectsData(): QueryView<Project[]> {
  const q = useProjects();
  return view(q, q.projects);
}

/** Called back when the daemon answers a change made from a form (not for a change queued offline until then). */
export interface Outcome {
  onSuccess?: () => void;
  onError?: (error: Error) => void;
}

export interface ProjectActions {
  register: (input: { path: string; name?: string }, outcome?: Outcome) => void;
  rename: (project: Project, name: string, outcome?: Outcome) => void;
  remove: (project: Project, outcome?: Outcome) => void;
}

/**
 * Reports a change's outcome to the form that made it. Through the change's own promise
 * rather than `mutate`'s callbacks, which TanStack calls for the latest change only: a form
 * that sent two must still hear that the first failed.
 */
function report(done: Promise<unknown>, outcome: Outcome | undefined): void {
  done.then(
    () => outcome?.onSuccess?.(),
    (error: unknown) => outcome?.onError?.(error instanceof Error ? error : new Error(String(error))),
  );
}

export function useProjectActions(): ProjectActions {
  const { mutateAsync: register } = useRegisterProject();
  const { mutateAsync: rename } = useRenameProject();
  const { mutateAsync: remove } = useRemoveProject();
  return useMemo(
    () => ({
      register: (input, outcome) => report(register(withKey({ input, tempId: newTempId() })), outcome),
      rename: (project, name, outcome) =>
        report(rename(withKey({ id: project.id, name, previous: project.name })), outcome),
      remove: (project, outcome) => report(remove(withKey({ id: project.id, name: project.name })), outcome),
    }),
    [register, rename, remove],
  );
}

export function useSessionsData(): QueryView<Session[]> {
  const q = useSessionsLive();
  return view(q, q.sessions);
}

export function useSessionData(id: string): QueryView<Session> {
  const q = useSessionLive(id);
  return view(q, q.session);
}

export function useSessionMessages(id: string): QueryView<SessionMessage[]> {
  const q = useSessionMessagesLive(id);
  return view(q, q.messages);
}

export function useAgentsData(): QueryView<AgentRun[]> {
  const q = useAgentsLive();
  return view(q, q.agents);
}

export function useMcpServersData(): QueryView<McpServer[]> {
  const q = useMCPServersLive();
  return view(q, q.servers);
}

export function useWorktreesData(): QueryView<Worktree[]> {
  const q = useWorktreesLive();
  return view(q, q.worktrees);
}

export interface TaskActions {
  create: (input: NewTaskInput, outcome?: Outcome) => void;
  setStatus: (task: Task, status: TaskStatus) => void;
  /** Edits title, description, priority or labels (unchanged fields are not sent). */
  update: (task: Task, fields: TaskFieldChanges) => void;
  expand: (task: Task, titles: string[]) => void;
  isPending: (task: Task) => boolean;
}

export function useTaskActions(): TaskActions {
  const { mutateAsync: createTask } = useCreateTask();
  const { setStatus: updateStatus } = useUpdateTaskStatus();
  const { mutate: close } = useCloseTask();
  const { updateFields } = useUpdateTaskFields();
  const { mutate: expandTask } = useExpandTask();
  const pending = usePendingTaskChanges();
  const pendingIds = useMemo(() => new Set(pending.map((p) => p.id)), [pending]);
  const setStatus = useCallback(
    (task: Task, status: TaskStatus) => {
      if (status === task.status) return;
      // Closing goes through its own operation so the daemon records it as a close (task.closed).
      if (status === "closed") close({ id: task.id, title: task.title });
      else updateStatus(task, status);
    },
    [close, updateStatus],
  );
  const expand = useCallback(
    (task: Task, titles: string[]) =>
      expandTask({ id: task.id, title: task.title, subtasks: titles.map((title) => ({ title })) }),
    [expandTask],
  );
  const update = useCallback(
    (task: Task, fields: TaskFieldChanges) => {
      const changed = Object.fromEntries(
        Object.entries(fields).filter(([k, v]) => JSON.stringify(task[k as keyof Task]) !== JSON.stringify(v)),
      ) as TaskFieldChanges;
      if (Object.keys(changed).length > 0) updateFields(task, changed);
    },
    [updateFields],
  );
  const isPending = useCallback((task: Task) => pendingIds.has(task.id), [pendingIds]);
  const create = useCallback(
    (input: NewTaskInput, outcome?: Outcome) => report(createTask(withKey({ input, tempId: newTempId() })), outcome),
    [createTask],
  );
  return useMemo(() => ({ create, setStatus, update, expand, isPending }), [create, setStatus, update, expand, isPending]);
}

export interface StartAgentFields {
  prompt: string;
  taskId: string | null;
  projectId: string | null;
  /** An existing worktree to work in; null: the daemon makes the run a worktree of its own. */
  worktreeId?: string | null;
}

export interface AgentActions {
  start: (fields: StartAgentFields, outcome?: Outcome) => void;
  cancel: (run: AgentRun) => void;
}

export function useAgentActions(): AgentActions {
  const { mutateAsync: start } = useStartAgent();
  const { mutate: cancel } = useCancelAgent();
  return useMemo(
    () => ({
      start: ({ prompt, taskId, projectId, worktreeId }: StartAgentFields, outcome?: Outcome) =>
        report(
          start(
            withKey({
              prompt,
              task_id: taskId,
              ...(projectId ? { project_id: projectId } : {}),
              ...(worktreeId ? { worktree_id: worktreeId } : {}),
            }),
          ),
          outcome,
        ),
      cancel: (run: AgentRun) => cancel({ id: run.id }),
    }),
    [start, cancel],
  );
}

export interface ConnectionView {
  state: ConnectionState;
  latencyMs: number | null;
  quality: ConnectionQuality;
  lastSeq: number | null;
  epoch: string | null;
  serverId: string | null;
  attempt: number;
  nextRetryAt: number | null;
  queued: number;
  subscriptions: readonly string[];
  log: readonly ConnectionLogEntry[];
  /** True whenever what is on screen is not confirmed live. */
  stale: boolean;
  /** When the connection was last known up (the latest close in the log), if it dropped. */
  lastLiveAt: number | null;
  /** Changes made here that the daemon has not confirmed yet (in flight or queued offline). */
  pendingMutations: number;
  reconnectNow: () => void;
  /** Measure the round trip now instead of waiting for the next periodic ping. */
  pingNow: () => void;
}

export function useConnection(): ConnectionView {
  const ws = useWebSocket();
  const stale = useIsStale();
  const pendingMutations = useIsMutating();
  const { client } = ws;
  // Stable identity: views run it from effects keyed on it.
  const pingNow = useCallback(() => client.ping(), [client]);
  const lastLiveAt = ws.log.findLast((entry) => entry.kind === "close")?.at ?? null;
  return {
    state: ws.state,
    latencyMs: ws.latencyMs,
    quality: ws.quality,
    lastSeq: ws.lastSeq,
    epoch: ws.epoch,
    serverId: ws.serverId,
    attempt: ws.attempt,
    nextRetryAt: ws.nextRetryAt,
    queued: ws.queued,
    subscriptions: ws.subscriptions,
    log: ws.log,
    stale,
    lastLiveAt,
    pendingMutations,
    reconnectNow: ws.reconnect,
    pingNow,
  };
}

/** The Events page's own subscription and its bounded, pausable list of frames. */
export { useEventStream, type EventStream } from "../hooks/useEventStream";
