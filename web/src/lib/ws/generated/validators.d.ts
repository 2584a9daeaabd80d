// generated from schema/ by `make gen`, do not edit
/** One validation failure, as ajv reports it. */
export interface ValidationError {
  readonly instancePath: string;
  readonly schemaPath: string;
  readonly keyword: string;
  readonly params: Readonly<Record<string, unknown>>;
}

/** A compiled validator: true when `data` is valid; `errors` says why not. */
export interface Validator {
  (data: unknown): boolean;
  errors?: ValidationError[] | null;
}

export declare const AgentCancelledEvent: Validator;
export declare const AgentCompletedEvent: Validator;
export declare const AgentEvent: Validator;
export declare const AgentFailedEvent: Validator;
export declare const AgentOutputData: Validator;
export declare const AgentOutputEvent: Validator;
export declare const AgentRun: Validator;
export declare const AgentStartedEvent: Validator;
export declare const AutonomousEvent: Validator;
export declare const AutonomousIterationEvent: Validator;
export declare const AutonomousLoop: Validator;
export declare const AutonomousStartedEvent: Validator;
export declare const AutonomousStoppedEvent: Validator;
export declare const ClientFrame: Validator;
export declare const ContentBlock: Validator;
export declare const ErrorFrame: Validator;
export declare const HookEvent: Validator;
export declare const HookGenericEvent: Validator;
export declare const HookNotificationEvent: Validator;
export declare const HookPostToolUseEvent: Validator;
export declare const HookPreCompactEvent: Validator;
export declare const HookPreToolUseEvent: Validator;
export declare const HookSessionEndEvent: Validator;
export declare const HookSessionStartEvent: Validator;
export declare const HookStopEvent: Validator;
export declare const HookSubagentStopEvent: Validator;
export declare const HookUserPromptSubmitEvent: Validator;
export declare const LoopCommit: Validator;
export declare const LoopIteration: Validator;
export declare const McpServer: Validator;
export declare const McpServerConnectedData: Validator;
export declare const McpServerConnectedEvent: Validator;
export declare const McpServerDisconnectedData: Validator;
export declare const McpServerDisconnectedEvent: Validator;
export declare const McpToolCalledData: Validator;
export declare const McpToolCalledEvent: Validator;
export declare const PingFrame: Validator;
export declare const PongFrame: Validator;
export declare const Project: Validator;
export declare const ProjectCreatedEvent: Validator;
export declare const ProjectEventData: Validator;
export declare const ProjectRemovedEvent: Validator;
export declare const ProjectUpdatedEvent: Validator;
export declare const ResumeFrame: Validator;
export declare const ResumedFrame: Validator;
export declare const ResyncFrame: Validator;
export declare const ServerFrame: Validator;
export declare const Session: Validator;
export declare const SessionCreatedEvent: Validator;
export declare const SessionEndedEvent: Validator;
export declare const SessionEventData: Validator;
export declare const SessionMessage: Validator;
export declare const SessionMessageEvent: Validator;
export declare const SessionUpdatedEvent: Validator;
export declare const StopReason: Validator;
export declare const SubscribeFrame: Validator;
export declare const SubscribedFrame: Validator;
export declare const Task: Validator;
export declare const TaskClosedEvent: Validator;
export declare const TaskCreatedEvent: Validator;
export declare const TaskEventData: Validator;
export declare const TaskExpandedData: Validator;
export declare const TaskExpandedEvent: Validator;
export declare const TaskUpdatedData: Validator;
export declare const TaskUpdatedEvent: Validator;
export declare const UnsubscribeFrame: Validator;
export declare const UnsubscribedFrame: Validator;
export declare const WelcomeFrame: Validator;
export declare const Worktree: Validator;
export declare const WorktreeCreatedEvent: Validator;
export declare const WorktreeDeletedEvent: Validator;
export declare const WorktreeEventData: Validator;
export declare const WorktreeMergedEvent: Validator;
export declare const WorktreeUpdatedEvent: Validator;
