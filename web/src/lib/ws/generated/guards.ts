// generated from schema/ by `make gen`, do not edit
// Type guards: each runs the ajv validator compiled from the same schema, so a guard
// accepts exactly what the schema accepts.
import type {
  AgentCancelledEvent,
  AgentCompletedEvent,
  AgentEvent,
  AgentFailedEvent,
  AgentOutputData,
  AgentOutputEvent,
  AgentRun,
  AgentStartedEvent,
  AutonomousEvent,
  AutonomousIterationEvent,
  AutonomousLoop,
  AutonomousStartedEvent,
  AutonomousStoppedEvent,
  ClientFrame,
  ContentBlock,
  ErrorFrame,
  HookEvent,
  HookGenericEvent,
  HookNotificationEvent,
  HookPostToolUseEvent,
  HookPreCompactEvent,
  HookPreToolUseEvent,
  HookSessionEndEvent,
  HookSessionStartEvent,
  HookStopEvent,
  HookSubagentStopEvent,
  HookUserPromptSubmitEvent,
  LoopCommit,
  LoopIteration,
  McpServer,
  McpServerConnectedData,
  McpServerConnectedEvent,
  McpServerDisconnectedData,
  McpServerDisconnectedEvent,
  McpToolCalledData,
  McpToolCalledEvent,
  PingFrame,
  PongFrame,
  Project,
  ProjectCreatedEvent,
  ProjectEventData,
  ProjectRemovedEvent,
  ProjectUpdatedEvent,
  ResumeFrame,
  ResumedFrame,
  ResyncFrame,
  ServerFrame,
  Session,
  SessionCreatedEvent,
  SessionEndedEvent,
  SessionEventData,
  SessionMessage,
  SessionMessageEvent,
  SessionUpdatedEvent,
  StopReason,
  SubscribeFrame,
  SubscribedFrame,
  Task,
  TaskClosedEvent,
  TaskCreatedEvent,
  TaskEventData,
  TaskExpandedData,
  TaskExpandedEvent,
  TaskUpdatedData,
  TaskUpdatedEvent,
  UnsubscribeFrame,
  UnsubscribedFrame,
  WelcomeFrame,
  Worktree,
  WorktreeCreatedEvent,
  WorktreeDeletedEvent,
  WorktreeEventData,
  WorktreeMergedEvent,
  WorktreeUpdatedEvent,
} from "./types";
import * as validators from "./validators.js";

export function isAgentCancelledEvent(x: unknown): x is AgentCancelledEvent {
  return validators.AgentCancelledEvent(x);
}

export function isAgentCompletedEvent(x: unknown): x is AgentCompletedEvent {
  return validators.AgentCompletedEvent(x);
}

export function isAgentEvent(x: unknown): x is AgentEvent {
  return validators.AgentEvent(x);
}

export function isAgentFailedEvent(x: unknown): x is AgentFailedEvent {
  return validators.AgentFailedEvent(x);
}

export function isAgentOutputData(x: unknown): x is AgentOutputData {
  return validators.AgentOutputData(x);
}

export function isAgentOutputEvent(x: unknown): x is AgentOutputEvent {
  return validators.AgentOutputEvent(x);
}

export function isAgentRun(x: unknown): x is AgentRun {
  return validators.AgentRun(x);
}

export function isAgentStartedEvent(x: unknown): x is AgentStartedEvent {
  return validators.AgentStartedEvent(x);
}

export function isAutonomousEvent(x: unknown): x is AutonomousEvent {
  return validators.AutonomousEvent(x);
}

export function isAutonomousIterationEvent(x: unknown): x is AutonomousIterationEvent {
  return validators.AutonomousIterationEvent(x);
}

export function isAutonomousLoop(x: unknown): x is AutonomousLoop {
  return validators.AutonomousLoop(x);
}

export function isAutonomousStartedEvent(x: unknown): x is AutonomousStartedEvent {
  return validators.AutonomousStartedEvent(x);
}

export function isAutonomousStoppedEvent(x: unknown): x is AutonomousStoppedEvent {
  return validators.AutonomousStoppedEvent(x);
}

export function isClientFrame(x: unknown): x is ClientFrame {
  return validators.ClientFrame(x);
}

export function isContentBlock(x: unknown): x is ContentBlock {
  return validators.ContentBlock(x);
}

export function isErrorFrame(x: unknown): x is ErrorFrame {
  return validators.ErrorFrame(x);
}

export function isHookEvent(x: unknown): x is HookEvent {
  return validators.HookEvent(x);
}

export function isHookGenericEvent(x: unknown): x is HookGenericEvent {
  return validators.HookGenericEvent(x);
}

export function isHookNotificationEvent(x: unknown): x is HookNotificationEvent {
  return validators.HookNotificationEvent(x);
}

export function isHookPostToolUseEvent(x: unknown): x is HookPostToolUseEvent {
  return validators.HookPostToolUseEvent(x);
}

export function isHookPreCompactEvent(x: unknown): x is HookPreCompactEvent {
  return validators.HookPreCompactEvent(x);
}

export function isHookPreToolUseEvent(x: unknown): x is HookPreToolUseEvent {
  return validators.HookPreToolUseEvent(x);
}

export function isHookSessionEndEvent(x: unknown): x is HookSessionEndEvent {
  return validators.HookSessionEndEvent(x);
}

export function isHookSessionStartEvent(x: unknown): x is HookSessionStartEvent {
  return validators.HookSessionStartEvent(x);
}

export function isHookStopEvent(x: unknown): x is HookStopEvent {
  return validators.HookStopEvent(x);
}

export function isHookSubagentStopEvent(x: unknown): x is HookSubagentStopEvent {
  return validators.HookSubagentStopEvent(x);
}

export function isHookUserPromptSubmitEvent(x: unknown): x is HookUserPromptSubmitEvent {
  return validators.HookUserPromptSubmitEvent(x);
}

export function isLoopCommit(x: unknown): x is LoopCommit {
  return validators.LoopCommit(x);
}

export function isLoopIteration(x: unknown): x is LoopIteration {
  return validators.LoopIteration(x);
}

export function isMcpServer(x: unknown): x is McpServer {
  return validators.McpServer(x);
}

export function isMcpServerConnectedData(x: unknown): x is McpServerConnectedData {
  return validators.McpServerConnectedData(x);
}

export function isMcpServerConnectedEvent(x: unknown): x is McpServerConnectedEvent {
  return validators.McpServerConnectedEvent(x);
}

export function isMcpServerDisconnectedData(x: unknown): x is McpServerDisconnectedData {
  return validators.McpServerDisconnectedData(x);
}

export function isMcpServerDisconnectedEvent(x: unknown): x is McpServerDisconnectedEvent {
  return validators.McpServerDisconnectedEvent(x);
}

export function isMcpToolCalledData(x: unknown): x is McpToolCalledData {
  return validators.McpToolCalledData(x);
}

export function isMcpToolCalledEvent(x: unknown): x is McpToolCalledEvent {
  return validators.McpToolCalledEvent(x);
}

export function isPingFrame(x: unknown): x is PingFrame {
  return validators.PingFrame(x);
}

export function isPongFrame(x: unknown): x is PongFrame {
  return validators.PongFrame(x);
}

export function isProject(x: unknown): x is Project {
  return validators.Project(x);
}

export function isProjectCreatedEvent(x: unknown): x is ProjectCreatedEvent {
  return validators.ProjectCreatedEvent(x);
}

export function isProjectEventData(x: unknown): x is ProjectEventData {
  return validators.ProjectEventData(x);
}

export function isProjectRemovedEvent(x: unknown): x is ProjectRemovedEvent {
  return validators.ProjectRemovedEvent(x);
}

export function isProjectUpdatedEvent(x: unknown): x is ProjectUpdatedEvent {
  return validators.ProjectUpdatedEvent(x);
}

export function isResumeFrame(x: unknown): x is ResumeFrame {
  return validators.ResumeFrame(x);
}

export function isResumedFrame(x: unknown): x is ResumedFrame {
  return validators.ResumedFrame(x);
}

export function isResyncFrame(x: unknown): x is ResyncFrame {
  return validators.ResyncFrame(x);
}

export function isServerFrame(x: unknown): x is ServerFrame {
  return validators.ServerFrame(x);
}

export function isSession(x: unknown): x is Session {
  return validators.Session(x);
}

export function isSessionCreatedEvent(x: unknown): x is SessionCreatedEvent {
  return validators.SessionCreatedEvent(x);
}

export function isSessionEndedEvent(x: unknown): x is SessionEndedEvent {
  return validators.SessionEndedEvent(x);
}

export function isSessionEventData(x: unknown): x is SessionEventData {
  return validators.SessionEventData(x);
}

export function isSessionMessage(x: unknown): x is SessionMessage {
  return validators.SessionMessage(x);
}

export function isSessionMessageEvent(x: unknown): x is SessionMessageEvent {
  return validators.SessionMessageEvent(x);
}

export function isSessionUpdatedEvent(x: unknown): x is SessionUpdatedEvent {
  return validators.SessionUpdatedEvent(x);
}

export function isStopReason(x: unknown): x is StopReason {
  return validators.StopReason(x);
}

export function isSubscribeFrame(x: unknown): x is SubscribeFrame {
  return validators.SubscribeFrame(x);
}

export function isSubscribedFrame(x: unknown): x is SubscribedFrame {
  return validators.SubscribedFrame(x);
}

export function isTask(x: unknown): x is Task {
  return validators.Task(x);
}

export function isTaskClosedEvent(x: unknown): x is TaskClosedEvent {
  return validators.TaskClosedEvent(x);
}

export function isTaskCreatedEvent(x: unknown): x is TaskCreatedEvent {
  return validators.TaskCreatedEvent(x);
}

export function isTaskEventData(x: unknown): x is TaskEventData {
  return validators.TaskEventData(x);
}

export function isTaskExpandedData(x: unknown): x is TaskExpandedData {
  return validators.TaskExpandedData(x);
}

export function isTaskExpandedEvent(x: unknown): x is TaskExpandedEvent {
  return validators.TaskExpandedEvent(x);
}

export function isTaskUpdatedData(x: unknown): x is TaskUpdatedData {
  return validators.TaskUpdatedData(x);
}

export function isTaskUpdatedEvent(x: unknown): x is TaskUpdatedEvent {
  return validators.TaskUpdatedEvent(x);
}

export function isUnsubscribeFrame(x: unknown): x is UnsubscribeFrame {
  return validators.UnsubscribeFrame(x);
}

export function isUnsubscribedFrame(x: unknown): x is UnsubscribedFrame {
  return validators.UnsubscribedFrame(x);
}

export function isWelcomeFrame(x: unknown): x is WelcomeFrame {
  return validators.WelcomeFrame(x);
}

export function isWorktree(x: unknown): x is Worktree {
  return validators.Worktree(x);
}

export function isWorktreeCreatedEvent(x: unknown): x is WorktreeCreatedEvent {
  return validators.WorktreeCreatedEvent(x);
}

export function isWorktreeDeletedEvent(x: unknown): x is WorktreeDeletedEvent {
  return validators.WorktreeDeletedEvent(x);
}

export function isWorktreeEventData(x: unknown): x is WorktreeEventData {
  return validators.WorktreeEventData(x);
}

export function isWorktreeMergedEvent(x: unknown): x is WorktreeMergedEvent {
  return validators.WorktreeMergedEvent(x);
}

export function isWorktreeUpdatedEvent(x: unknown): x is WorktreeUpdatedEvent {
  return validators.WorktreeUpdatedEvent(x);
}

/** Every event name (dotted frame types), sorted. */
export const EVENT_TYPES = [
  "agent.cancelled",
  "agent.completed",
  "agent.failed",
  "agent.output",
  "agent.started",
  "autonomous.iteration",
  "autonomous.started",
  "autonomous.stopped",
  "hook.generic",
  "hook.notification",
  "hook.post_tool_use",
  "hook.pre_compact",
  "hook.pre_tool_use",
  "hook.session_end",
  "hook.session_start",
  "hook.stop",
  "hook.subagent_stop",
  "hook.user_prompt_submit",
  "mcp.server_connected",
  "mcp.server_disconnected",
  "mcp.tool_called",
  "project.created",
  "project.removed",
  "project.updated",
  "session.created",
  "session.ended",
  "session.message",
  "session.updated",
  "task.closed",
  "task.created",
  "task.expanded",
  "task.updated",
  "worktree.created",
  "worktree.deleted",
  "worktree.merged",
  "worktree.updated",
] as const;

export type EventType = (typeof EVENT_TYPES)[number];

/** Events that `*` and `prefix.*` do not match: subscribe to them by exact name. */
export const HIGH_VOLUME_EVENTS = [
  "agent.output",
  "mcp.tool_called",
  "session.message",
] as const;

/** Server-to-client control frame types. */
export const SERVER_CONTROL_TYPES = [
  "error",
  "pong",
  "resumed",
  "resync",
  "subscribed",
  "unsubscribed",
  "welcome",
] as const;

/** Client-to-server frame types. */
export const CLIENT_FRAME_TYPES = [
  "ping",
  "resume",
  "subscribe",
  "unsubscribe",
] as const;
