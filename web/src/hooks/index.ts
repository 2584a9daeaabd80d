export { TidewireProvider, type TidewireProviderProps } from "./TidewireProvider";
export {
  WebSocketProvider,
  useWebSocket,
  useConnectionSnapshot,
  useConnectionState,
  useSubscription,
  type UseWebSocketResult,
  type WebSocketProviderProps,
} from "./useWebSocket";
export { useEventHandler } from "./useEventHandler";
export { useEvents, type UseEventsOptions } from "./useEvents";
export { useLiveQuery, useIsStale, type LiveQueryResult } from "./useLiveQuery";
export { useTasksLive, usePendingTaskChanges, type TasksLiveResult } from "./useTasksLive";
export { useSessionsLive, useSessionLive, useSessionMessagesLive } from "./useSessionsLive";
export { useAgentsLive } from "./useAgentsLive";
export { useMCPServersLive } from "./useMCPServersLive";
export { useWorktreesLive } from "./useWorktreesLive";
export { useCreateTask, useUpdateTaskStatus, useCloseTask, useExpandTask } from "./useTaskMutations";
export { useStartAgent, useCancelAgent } from "./useAgentMutations";
export { useProjects, useHealth } from "./useProjects";
export { useRegisterProject, useRenameProject, useRemoveProject } from "./useProjectMutations";
export { useSocket, useLiveSync } from "./context";
