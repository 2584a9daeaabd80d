// generated from schema/ by `make gen`, do not edit

/**
 * Why an autonomous loop stopped.
 */
export type StopReason =
  "no_ready_tasks" | "max_iterations" | "too_many_failures" | "stop_requested" | "daemon_stopping" | "error";
/**
 * Every frame a client may send, keyed on `type`.
 */
export type ClientFrame = SubscribeFrame | UnsubscribeFrame | PingFrame | ResumeFrame;
/**
 * Every frame the daemon sends, keyed on `type`.
 */
export type ServerFrame =
  | WelcomeFrame
  | SubscribedFrame
  | UnsubscribedFrame
  | PongFrame
  | ResumedFrame
  | ResyncFrame
  | ErrorFrame
  | TaskCreatedEvent
  | TaskUpdatedEvent
  | TaskClosedEvent
  | TaskExpandedEvent
  | WorktreeCreatedEvent
  | WorktreeUpdatedEvent
  | WorktreeMergedEvent
  | WorktreeDeletedEvent
  | ProjectCreatedEvent
  | ProjectUpdatedEvent
  | ProjectRemovedEvent
  | McpServerConnectedEvent
  | McpServerDisconnectedEvent
  | McpToolCalledEvent
  | SessionCreatedEvent
  | SessionUpdatedEvent
  | SessionEndedEvent
  | SessionMessageEvent
  | AgentStartedEvent
  | AgentCompletedEvent
  | AgentFailedEvent
  | AgentCancelledEvent
  | AgentOutputEvent
  | AutonomousStartedEvent
  | AutonomousIterationEvent
  | AutonomousStoppedEvent
  | HookSessionStartEvent
  | HookUserPromptSubmitEvent
  | HookPreToolUseEvent
  | HookPostToolUseEvent
  | HookNotificationEvent
  | HookStopEvent
  | HookSubagentStopEvent
  | HookPreCompactEvent
  | HookSessionEndEvent
  | HookGenericEvent;

/**
 * An agent run was cancelled.
 */
export interface AgentCancelledEvent {
  type: "agent.cancelled";
  /**
   * Position in the event log.
   */
  seq: number;
  /**
   * When the change committed (RFC 3339, UTC).
   */
  ts: string;
  data: AgentEvent;
  [k: string]: unknown;
}
/**
 * Data of every `agent.*` event.
 */
export interface AgentEvent {
  agent_id: string;
  task_id: string | null;
  worktree_id: string | null;
  project_id?: string | null;
  status: "running" | "completed" | "failed" | "cancelled" | "lost";
  exit_code?: number | null;
  duration_ms?: number | null;
  /**
   * Last lines of stderr (for `agent.failed`).
   */
  stderr_tail?: string[];
  agent: AgentRun;
  [k: string]: unknown;
}
/**
 * One run of an agent CLI as a subprocess.
 */
export interface AgentRun {
  id: string;
  project_id: string | null;
  task_id: string | null;
  worktree_id: string | null;
  prompt: string;
  /**
   * The argv that was run.
   */
  command: string[];
  cwd: string;
  status: "running" | "completed" | "failed" | "cancelled" | "lost";
  pid?: number | null;
  exit_code?: number | null;
  /**
   * RFC 3339 timestamp in UTC (`Z`).
   */
  started_at: string;
  /**
   * RFC 3339 timestamp in UTC (`Z`).
   */
  ended_at?: string | null;
  duration_ms?: number | null;
  stderr_tail?: string[];
  /**
   * The node (daemon) that runs it and alone can cancel it: its node id (`GET /api/health`). Null for a run recorded before nodes existed.
   */
  node?: string | null;
  /**
   * The autonomous loop this run is an iteration of; null for a run started on its own.
   */
  loop_id?: string | null;
  /**
   * Which iteration of `loop_id` this run is.
   */
  loop_iteration?: number | null;
  [k: string]: unknown;
}
/**
 * An agent run exited with status 0.
 */
export interface AgentCompletedEvent {
  type: "agent.completed";
  /**
   * Position in the event log.
   */
  seq: number;
  /**
   * When the change committed (RFC 3339, UTC).
   */
  ts: string;
  data: AgentEvent;
  [k: string]: unknown;
}
/**
 * An agent run exited with a non-zero status, or could not start.
 */
export interface AgentFailedEvent {
  type: "agent.failed";
  /**
   * Position in the event log.
   */
  seq: number;
  /**
   * When the change committed (RFC 3339, UTC).
   */
  ts: string;
  data: AgentEvent;
  [k: string]: unknown;
}
/**
 * Data of `agent.output`: one chunk of an agent run's output, as appended to its kept log. Chunks of a run follow each other without gap or overlap: the next chunk's `offset` is this one's `offset + size`.
 */
export interface AgentOutputData {
  agent_id: string;
  /**
   * Which of the agent's streams wrote the chunk.
   */
  stream: "stdout" | "stderr";
  /**
   * Byte offset of the chunk in the run's kept log (`GET /api/agents/{id}/output`).
   */
  offset: number;
  /**
   * Bytes the chunk takes in the log (at most 16 KiB); the next chunk starts at `offset + size`.
   */
  size: number;
  /**
   * The chunk's bytes decoded as UTF-8 (an invalid byte becomes U+FFFD); ends on a line break unless the chunk was cut for size or time.
   */
  text: string;
  [k: string]: unknown;
}
/**
 * A chunk of an agent run's stdout or stderr, appended to its kept log; subscribe with `agent.output:agent_id=ID`.
 */
export interface AgentOutputEvent {
  type: "agent.output";
  /**
   * Position in the event log.
   */
  seq: number;
  /**
   * When the change committed (RFC 3339, UTC).
   */
  ts: string;
  data: AgentOutputData;
  [k: string]: unknown;
}
/**
 * An agent run started.
 */
export interface AgentStartedEvent {
  type: "agent.started";
  /**
   * Position in the event log.
   */
  seq: number;
  /**
   * When the change committed (RFC 3339, UTC).
   */
  ts: string;
  data: AgentEvent;
  [k: string]: unknown;
}
/**
 * Data of every `autonomous.*` event.
 */
export interface AutonomousEvent {
  loop_id: string;
  project_id: string;
  iteration: number;
  task_id?: string | null;
  /**
   * For `autonomous.iteration`: `succeeded`, `failed`, or `stopped` (the loop was stopped mid-iteration; not counted as a failure).
   */
  outcome?: string | null;
  detail?: string | null;
  /**
   * For `autonomous.iteration`: the iteration's agent run, null when none started.
   */
  agent_id?: string | null;
  /**
   * For `autonomous.iteration`: the commits the run made on its branch (merged when the iteration succeeded, discarded otherwise).
   */
  commits?: LoopCommit[];
  reason?: StopReason | null;
  loop: AutonomousLoop;
  [k: string]: unknown;
}
/**
 * A commit an autonomous loop iteration's agent made on its branch.
 */
export interface LoopCommit {
  sha: string;
  /**
   * The first line of the commit message.
   */
  subject: string;
  [k: string]: unknown;
}
/**
 * A loop that works through a project's ready tasks.
 */
export interface AutonomousLoop {
  id: string;
  project_id: string;
  status: "running" | "stopping" | "stopped";
  iteration: number;
  max_iterations?: number | null;
  max_failures: number;
  failures: number;
  current_task_id?: string | null;
  /**
   * RFC 3339 timestamp in UTC (`Z`).
   */
  started_at: string;
  /**
   * RFC 3339 timestamp in UTC (`Z`).
   */
  stopped_at?: string | null;
  stop_reason?: StopReason | null;
  [k: string]: unknown;
}
/**
 * An autonomous loop finished one task.
 */
export interface AutonomousIterationEvent {
  type: "autonomous.iteration";
  /**
   * Position in the event log.
   */
  seq: number;
  /**
   * When the change committed (RFC 3339, UTC).
   */
  ts: string;
  data: AutonomousEvent;
  [k: string]: unknown;
}
/**
 * An autonomous loop started.
 */
export interface AutonomousStartedEvent {
  type: "autonomous.started";
  /**
   * Position in the event log.
   */
  seq: number;
  /**
   * When the change committed (RFC 3339, UTC).
   */
  ts: string;
  data: AutonomousEvent;
  [k: string]: unknown;
}
/**
 * An autonomous loop stopped.
 */
export interface AutonomousStoppedEvent {
  type: "autonomous.stopped";
  /**
   * Position in the event log.
   */
  seq: number;
  /**
   * When the change committed (RFC 3339, UTC).
   */
  ts: string;
  data: AutonomousEvent;
  [k: string]: unknown;
}
/**
 * Add to the connection's subscriptions.
 */
export interface SubscribeFrame {
  type: "subscribe";
  /**
   * Event names, `prefix.*` patterns, `*`, or a filtered name `name:field=value`.
   *
   * @minItems 1
   * @maxItems 256
   */
  events: string[];
  /**
   * Chosen by the client, echoed in the reply.
   */
  id?: string | number;
  [k: string]: unknown;
}
/**
 * Remove from the connection's subscriptions.
 */
export interface UnsubscribeFrame {
  type: "unsubscribe";
  /**
   * Event names, `prefix.*` patterns, `*`, or a filtered name `name:field=value`.
   *
   * @minItems 1
   * @maxItems 256
   */
  events: string[];
  /**
   * Chosen by the client, echoed in the reply.
   */
  id?: string | number;
  [k: string]: unknown;
}
/**
 * Ask for a `pong`.
 */
export interface PingFrame {
  type: "ping";
  /**
   * Chosen by the client, echoed in the reply.
   */
  id?: string | number;
  t?: number;
  [k: string]: unknown;
}
/**
 * Replay missed events after a reconnect.
 */
export interface ResumeFrame {
  type: "resume";
  epoch: string;
  after_seq: number;
  /**
   * Chosen by the client, echoed in the reply.
   */
  id?: string | number;
  [k: string]: unknown;
}
/**
 * One block of a message's content.
 */
export interface ContentBlock {
  /**
   * `text`, `thinking`, `tool_use`, `tool_result`, or another block type.
   */
  type: string;
  text?: string | null;
  tool_name?: string | null;
  /**
   * On a `tool_result`: true when the tool reported a failure (Claude Code's `is_error`). Absent otherwise.
   */
  is_error?: boolean;
  [k: string]: unknown;
}
/**
 * A frame from the client was refused; the connection stays open.
 */
export interface ErrorFrame {
  type: "error";
  /**
   * Stable machine-readable code, see docs/protocol.md.
   */
  code: string;
  message: string;
  /**
   * Chosen by the client, echoed in the reply.
   */
  id?: string | number;
  [k: string]: unknown;
}
/**
 * Data of every `hook.*` event: one hook call from an agent CLI.
 */
export interface HookEvent {
  session_id: string;
  /**
   * The hook's own name, e.g. `PreToolUse`.
   */
  hook_type: string;
  /**
   * The agent CLI: `claude`, `gemini`, `codex`, ...
   */
  source: string;
  /**
   * One line for people.
   */
  summary: string;
  tool_name?: string | null;
  cwd?: string | null;
  [k: string]: unknown;
}
/**
 * An agent CLI called a hook this protocol has no dedicated event for; `data.hook_type` names it.
 */
export interface HookGenericEvent {
  type: "hook.generic";
  /**
   * Position in the event log.
   */
  seq: number;
  /**
   * When the change committed (RFC 3339, UTC).
   */
  ts: string;
  data: HookEvent;
  [k: string]: unknown;
}
/**
 * An agent CLI called its `Notification` hook.
 */
export interface HookNotificationEvent {
  type: "hook.notification";
  /**
   * Position in the event log.
   */
  seq: number;
  /**
   * When the change committed (RFC 3339, UTC).
   */
  ts: string;
  data: HookEvent;
  [k: string]: unknown;
}
/**
 * An agent CLI called its `PostToolUse` hook.
 */
export interface HookPostToolUseEvent {
  type: "hook.post_tool_use";
  /**
   * Position in the event log.
   */
  seq: number;
  /**
   * When the change committed (RFC 3339, UTC).
   */
  ts: string;
  data: HookEvent;
  [k: string]: unknown;
}
/**
 * An agent CLI called its `PreCompact` hook.
 */
export interface HookPreCompactEvent {
  type: "hook.pre_compact";
  /**
   * Position in the event log.
   */
  seq: number;
  /**
   * When the change committed (RFC 3339, UTC).
   */
  ts: string;
  data: HookEvent;
  [k: string]: unknown;
}
/**
 * An agent CLI called its `PreToolUse` hook.
 */
export interface HookPreToolUseEvent {
  type: "hook.pre_tool_use";
  /**
   * Position in the event log.
   */
  seq: number;
  /**
   * When the change committed (RFC 3339, UTC).
   */
  ts: string;
  data: HookEvent;
  [k: string]: unknown;
}
/**
 * An agent CLI called its `SessionEnd` hook.
 */
export interface HookSessionEndEvent {
  type: "hook.session_end";
  /**
   * Position in the event log.
   */
  seq: number;
  /**
   * When the change committed (RFC 3339, UTC).
   */
  ts: string;
  data: HookEvent;
  [k: string]: unknown;
}
/**
 * An agent CLI called its `SessionStart` hook.
 */
export interface HookSessionStartEvent {
  type: "hook.session_start";
  /**
   * Position in the event log.
   */
  seq: number;
  /**
   * When the change committed (RFC 3339, UTC).
   */
  ts: string;
  data: HookEvent;
  [k: string]: unknown;
}
/**
 * An agent CLI called its `Stop` hook.
 */
export interface HookStopEvent {
  type: "hook.stop";
  /**
   * Position in the event log.
   */
  seq: number;
  /**
   * When the change committed (RFC 3339, UTC).
   */
  ts: string;
  data: HookEvent;
  [k: string]: unknown;
}
/**
 * An agent CLI called its `SubagentStop` hook.
 */
export interface HookSubagentStopEvent {
  type: "hook.subagent_stop";
  /**
   * Position in the event log.
   */
  seq: number;
  /**
   * When the change committed (RFC 3339, UTC).
   */
  ts: string;
  data: HookEvent;
  [k: string]: unknown;
}
/**
 * An agent CLI called its `UserPromptSubmit` hook.
 */
export interface HookUserPromptSubmitEvent {
  type: "hook.user_prompt_submit";
  /**
   * Position in the event log.
   */
  seq: number;
  /**
   * When the change committed (RFC 3339, UTC).
   */
  ts: string;
  data: HookEvent;
  [k: string]: unknown;
}
/**
 * One finished iteration of an autonomous loop: the task it took, the agent run, and how it ended.
 */
export interface LoopIteration {
  loop_id: string;
  iteration: number;
  task_id: string;
  /**
   * The iteration's agent run; null when it ended before one started.
   */
  agent_id?: string | null;
  outcome: "succeeded" | "failed" | "stopped";
  /**
   * Why it failed (e.g. `agent ... made no commits`); null when it succeeded.
   */
  detail?: string | null;
  commits: LoopCommit[];
  /**
   * RFC 3339 timestamp in UTC (`Z`).
   */
  ended_at: string;
  [k: string]: unknown;
}
/**
 * A downstream MCP server the daemon proxies.
 */
export interface McpServer {
  name: string;
  transport: "stdio" | "streamable_http";
  state: "connecting" | "connected" | "disconnected" | "failed";
  tool_count: number;
  tools: string[];
  calls: number;
  last_error?: string | null;
  /**
   * RFC 3339 timestamp in UTC (`Z`).
   */
  connected_at?: string | null;
  /**
   * The tools with their descriptions, in the order the server lists them.
   */
  tool_details?: McpToolDetail[];
  /**
   * Where the server is defined: the config file (remove it there) or the REST API.
   */
  origin?: "config" | "api";
  /**
   * Consecutive failed attempts to connect.
   */
  attempts?: number;
  /**
   * RFC 3339 timestamp in UTC (`Z`): when the next attempt to connect is due, while the server is disconnected or failed.
   */
  next_attempt_at?: string | null;
  [k: string]: unknown;
}
export interface McpToolDetail {
  name: string;
  description?: string | null;
  [k: string]: unknown;
}
/**
 * Data of `mcp.server_connected`.
 */
export interface McpServerConnectedData {
  server_name: string;
  transport: "stdio" | "streamable_http";
  tool_count: number;
  [k: string]: unknown;
}
/**
 * A downstream MCP server connected.
 */
export interface McpServerConnectedEvent {
  type: "mcp.server_connected";
  /**
   * Position in the event log.
   */
  seq: number;
  /**
   * When the change committed (RFC 3339, UTC).
   */
  ts: string;
  data: McpServerConnectedData;
  [k: string]: unknown;
}
/**
 * Data of `mcp.server_disconnected`.
 */
export interface McpServerDisconnectedData {
  server_name: string;
  reason: string;
  /**
   * Whether the daemon will try to reconnect (false only when the server was removed).
   */
  will_retry?: boolean;
  /**
   * RFC 3339 timestamp in UTC (`Z`): when the daemon tries to connect again; null when it will not.
   */
  next_attempt_at?: string | null;
  /**
   * Consecutive failed attempts to connect so far (0 after a connection that worked ended).
   */
  attempts?: number;
  /**
   * Whether the server now counts as failed (`max_failures` attempts in a row failed); it is still retried, further apart.
   */
  failed?: boolean;
  [k: string]: unknown;
}
/**
 * A downstream MCP server went away.
 */
export interface McpServerDisconnectedEvent {
  type: "mcp.server_disconnected";
  /**
   * Position in the event log.
   */
  seq: number;
  /**
   * When the change committed (RFC 3339, UTC).
   */
  ts: string;
  data: McpServerDisconnectedData;
  [k: string]: unknown;
}
/**
 * Data of `mcp.tool_called`.
 */
export interface McpToolCalledData {
  server_name: string;
  tool_name: string;
  duration_ms: number;
  ok: boolean;
  error?: string | null;
  [k: string]: unknown;
}
/**
 * A proxied tool call finished.
 */
export interface McpToolCalledEvent {
  type: "mcp.tool_called";
  /**
   * Position in the event log.
   */
  seq: number;
  /**
   * When the change committed (RFC 3339, UTC).
   */
  ts: string;
  data: McpToolCalledData;
  [k: string]: unknown;
}
/**
 * Reply to `ping`.
 */
export interface PongFrame {
  type: "pong";
  /**
   * Chosen by the client, echoed in the reply.
   */
  id?: string | number;
  /**
   * Echo of the ping's `t`.
   */
  t?: number;
  /**
   * RFC 3339 timestamp in UTC (`Z`).
   */
  server_time: string;
  seq: number;
  [k: string]: unknown;
}
/**
 * A git repository that tasks and worktrees belong to.
 */
export interface Project {
  id: string;
  name: string;
  /**
   * Absolute path of the repository.
   */
  path: string;
  /**
   * RFC 3339 timestamp in UTC (`Z`).
   */
  created_at: string;
  [k: string]: unknown;
}
/**
 * A repository was registered as a project.
 */
export interface ProjectCreatedEvent {
  type: "project.created";
  /**
   * Position in the event log.
   */
  seq: number;
  /**
   * When the change committed (RFC 3339, UTC).
   */
  ts: string;
  data: ProjectEventData;
  [k: string]: unknown;
}
/**
 * Data of `project.created`, `project.updated` and `project.removed`: the project as it is after the change (for `project.removed`, as it was).
 */
export interface ProjectEventData {
  project_id: string;
  project: Project;
  [k: string]: unknown;
}
/**
 * A project was removed from the registry (the repository itself is left alone).
 */
export interface ProjectRemovedEvent {
  type: "project.removed";
  /**
   * Position in the event log.
   */
  seq: number;
  /**
   * When the change committed (RFC 3339, UTC).
   */
  ts: string;
  data: ProjectEventData;
  [k: string]: unknown;
}
/**
 * A project was renamed.
 */
export interface ProjectUpdatedEvent {
  type: "project.updated";
  /**
   * Position in the event log.
   */
  seq: number;
  /**
   * When the change committed (RFC 3339, UTC).
   */
  ts: string;
  data: ProjectEventData;
  [k: string]: unknown;
}
/**
 * Replay after `resume` finished; live delivery continues.
 */
export interface ResumedFrame {
  type: "resumed";
  after_seq: number;
  to_seq: number;
  replayed: number;
  /**
   * Chosen by the client, echoed in the reply.
   */
  id?: string | number;
  [k: string]: unknown;
}
/**
 * The client must refetch its state: events were or may be lost to it.
 */
export interface ResyncFrame {
  type: "resync";
  reason: "epoch_changed" | "gap_too_old" | "overflow";
  epoch?: string;
  seq?: number;
  /**
   * Chosen by the client, echoed in the reply.
   */
  id?: string | number;
  [k: string]: unknown;
}
/**
 * First frame after the handshake.
 */
export interface WelcomeFrame {
  type: "welcome";
  protocol: "tidewire.v1";
  server_id: string;
  /**
   * Identifies one event log; a new epoch means every seq before it is void.
   */
  epoch: string;
  /**
   * Latest committed seq (0 before any event).
   */
  seq: number;
  heartbeat_ms: number;
  /**
   * Oldest seq that can still be resumed after (resume with `after_seq >= oldest_seq - 1`).
   */
  oldest_seq?: number;
  /**
   * Largest client frame accepted; larger closes with 1009.
   */
  max_frame_bytes?: number;
  [k: string]: unknown;
}
/**
 * Reply to `subscribe`.
 */
export interface SubscribedFrame {
  type: "subscribed";
  /**
   * The connection's whole active set after the change.
   */
  events: string[];
  /**
   * The connection's log position when the change took effect: the new set applies to events with a greater seq.
   */
  seq?: number;
  /**
   * Chosen by the client, echoed in the reply.
   */
  id?: string | number;
  [k: string]: unknown;
}
/**
 * Reply to `unsubscribe`.
 */
export interface UnsubscribedFrame {
  type: "unsubscribed";
  /**
   * The connection's whole active set after the change.
   */
  events: string[];
  /**
   * The connection's log position when the change took effect: the new set applies to events with a greater seq.
   */
  seq?: number;
  /**
   * Chosen by the client, echoed in the reply.
   */
  id?: string | number;
  [k: string]: unknown;
}
/**
 * A task was created.
 */
export interface TaskCreatedEvent {
  type: "task.created";
  /**
   * Position in the event log.
   */
  seq: number;
  /**
   * When the change committed (RFC 3339, UTC).
   */
  ts: string;
  data: TaskEventData;
  [k: string]: unknown;
}
/**
 * Data of `task.created` and `task.closed`.
 */
export interface TaskEventData {
  task_id: string;
  project_id: string | null;
  task: Task;
  [k: string]: unknown;
}
/**
 * A unit of work.
 */
export interface Task {
  id: string;
  project_id: string | null;
  title: string;
  description: string;
  status: "open" | "in_progress" | "blocked" | "closed";
  /**
   * 0 is the most urgent.
   */
  priority: number;
  labels: string[];
  parent_id: string | null;
  /**
   * RFC 3339 timestamp in UTC (`Z`).
   */
  created_at: string;
  /**
   * RFC 3339 timestamp in UTC (`Z`).
   */
  updated_at: string;
  /**
   * RFC 3339 timestamp in UTC (`Z`).
   */
  closed_at: string | null;
  closed_reason: string | null;
  /**
   * How many agent runs on this task failed.
   */
  failure_count?: number;
  last_failure?: string | null;
  [k: string]: unknown;
}
/**
 * A task changed.
 */
export interface TaskUpdatedEvent {
  type: "task.updated";
  /**
   * Position in the event log.
   */
  seq: number;
  /**
   * When the change committed (RFC 3339, UTC).
   */
  ts: string;
  data: TaskUpdatedData;
  [k: string]: unknown;
}
/**
 * Data of `task.updated`.
 */
export interface TaskUpdatedData {
  task_id: string;
  project_id: string | null;
  task: Task;
  /**
   * Names of the task fields that changed.
   */
  changed: string[];
  /**
   * The changed fields' values before the change.
   */
  previous?: {
    [k: string]: unknown;
  };
  [k: string]: unknown;
}
/**
 * A task was closed.
 */
export interface TaskClosedEvent {
  type: "task.closed";
  /**
   * Position in the event log.
   */
  seq: number;
  /**
   * When the change committed (RFC 3339, UTC).
   */
  ts: string;
  data: TaskEventData;
  [k: string]: unknown;
}
/**
 * Subtasks were added to a task.
 */
export interface TaskExpandedEvent {
  type: "task.expanded";
  /**
   * Position in the event log.
   */
  seq: number;
  /**
   * When the change committed (RFC 3339, UTC).
   */
  ts: string;
  data: TaskExpandedData;
  [k: string]: unknown;
}
/**
 * Data of `task.expanded`.
 */
export interface TaskExpandedData {
  task_id: string;
  project_id: string | null;
  task: Task;
  /**
   * Ids of the subtasks created, in order.
   */
  subtask_ids: string[];
  [k: string]: unknown;
}
/**
 * A worktree was created.
 */
export interface WorktreeCreatedEvent {
  type: "worktree.created";
  /**
   * Position in the event log.
   */
  seq: number;
  /**
   * When the change committed (RFC 3339, UTC).
   */
  ts: string;
  data: WorktreeEventData;
  [k: string]: unknown;
}
/**
 * Data of every `worktree.*` event.
 */
export interface WorktreeEventData {
  worktree_id: string;
  project_id: string;
  worktree: Worktree;
  /**
   * For `worktree.updated`: `claim` or `release`.
   */
  action?: string | null;
  [k: string]: unknown;
}
/**
 * A `git worktree` checkout managed by the daemon.
 */
export interface Worktree {
  id: string;
  project_id: string;
  task_id: string | null;
  branch: string;
  base_branch: string;
  path: string;
  status: "active" | "claimed" | "merged" | "deleted";
  owner: string | null;
  /**
   * RFC 3339 timestamp in UTC (`Z`).
   */
  created_at: string;
  /**
   * RFC 3339 timestamp in UTC (`Z`).
   */
  updated_at: string;
  merged_into?: string | null;
  merge_commit?: string | null;
  [k: string]: unknown;
}
/**
 * A worktree was claimed or released.
 */
export interface WorktreeUpdatedEvent {
  type: "worktree.updated";
  /**
   * Position in the event log.
   */
  seq: number;
  /**
   * When the change committed (RFC 3339, UTC).
   */
  ts: string;
  data: WorktreeEventData;
  [k: string]: unknown;
}
/**
 * A worktree's branch was merged.
 */
export interface WorktreeMergedEvent {
  type: "worktree.merged";
  /**
   * Position in the event log.
   */
  seq: number;
  /**
   * When the change committed (RFC 3339, UTC).
   */
  ts: string;
  data: WorktreeEventData;
  [k: string]: unknown;
}
/**
 * A worktree was removed.
 */
export interface WorktreeDeletedEvent {
  type: "worktree.deleted";
  /**
   * Position in the event log.
   */
  seq: number;
  /**
   * When the change committed (RFC 3339, UTC).
   */
  ts: string;
  data: WorktreeEventData;
  [k: string]: unknown;
}
/**
 * A session was first seen.
 */
export interface SessionCreatedEvent {
  type: "session.created";
  /**
   * Position in the event log.
   */
  seq: number;
  /**
   * When the change committed (RFC 3339, UTC).
   */
  ts: string;
  data: SessionEventData;
  [k: string]: unknown;
}
/**
 * Data of `session.created`, `session.updated` and `session.ended`.
 */
export interface SessionEventData {
  session_id: string;
  session: Session;
  /**
   * For `session.updated` and `session.ended`: every field of the session record that changed; absent on `session.created`.
   */
  changed?: string[];
  [k: string]: unknown;
}
/**
 * An agent CLI session seen through its hooks.
 */
export interface Session {
  id: string;
  /**
   * The agent CLI: `claude`, `gemini`, `codex`, or another name.
   */
  source: string;
  status: "active" | "waiting" | "idle" | "ended";
  /**
   * While `status` is `waiting`: why, in one line, from the hook that made the session wait (a `Notification` hook's `message`, such as "Claude needs your permission to use Bash", or the tool a `PermissionRequest` hook asks for). Null or absent otherwise.
   */
  waiting_reason?: string | null;
  cwd?: string | null;
  git_branch?: string | null;
  transcript_path?: string | null;
  project_id?: string | null;
  /**
   * RFC 3339 timestamp in UTC (`Z`).
   */
  started_at: string;
  /**
   * RFC 3339 timestamp in UTC (`Z`).
   */
  updated_at: string;
  /**
   * RFC 3339 timestamp in UTC (`Z`).
   */
  ended_at?: string | null;
  last_hook?: string | null;
  tool_count: number;
  message_count: number;
  [k: string]: unknown;
}
/**
 * A session changed.
 */
export interface SessionUpdatedEvent {
  type: "session.updated";
  /**
   * Position in the event log.
   */
  seq: number;
  /**
   * When the change committed (RFC 3339, UTC).
   */
  ts: string;
  data: SessionEventData;
  [k: string]: unknown;
}
/**
 * A session ended.
 */
export interface SessionEndedEvent {
  type: "session.ended";
  /**
   * Position in the event log.
   */
  seq: number;
  /**
   * When the change committed (RFC 3339, UTC).
   */
  ts: string;
  data: SessionEventData;
  [k: string]: unknown;
}
/**
 * A new message in a session's transcript.
 */
export interface SessionMessageEvent {
  type: "session.message";
  /**
   * Position in the event log.
   */
  seq: number;
  /**
   * When the change committed (RFC 3339, UTC).
   */
  ts: string;
  data: SessionMessage;
  [k: string]: unknown;
}
/**
 * One message of a session's transcript.
 */
export interface SessionMessage {
  session_id: string;
  /**
   * Position in the transcript, from 0, without gaps.
   */
  index: number;
  /**
   * `user`, `assistant`, `system` or `tool`.
   */
  role: string;
  content: ContentBlock[];
  tool_name?: string | null;
  /**
   * RFC 3339 timestamp in UTC (`Z`).
   */
  ts?: string | null;
  [k: string]: unknown;
}
