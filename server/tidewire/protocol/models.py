# generated from schema/ by `make gen`, do not edit

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import (
    MISSING,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    RootModel,
    Strict,
    StrictBool,
    StrictFloat,
    StrictStr,
)


def _integral_float_to_int(value: object) -> object:
    """JSON Schema: a number with a zero fractional part is an integer (1.0 is valid)."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


JsonInt = Annotated[int, BeforeValidator(_integral_float_to_int), Strict()]


class AgentOutputData(BaseModel):
    model_config = ConfigDict(
        extra="allow",
    )
    agent_id: Annotated[StrictStr, Field(max_length=128, min_length=1)]
    stream: Annotated[
        Literal["stdout", "stderr"], Field(description="Which of the agent's streams wrote the chunk.")
    ]
    offset: Annotated[
        JsonInt,
        Field(
            description="Byte offset of the chunk in the run's kept log (`GET /api/agents/{id}/output`).",
            ge=0,
            le=9007199254740991,
        ),
    ]
    size: Annotated[
        JsonInt,
        Field(
            description="Bytes the chunk takes in the log (at most 16 KiB); the next chunk starts at `offset + size`.",
            ge=1,
            le=16384,
        ),
    ]
    text: Annotated[
        StrictStr,
        Field(
            description="The chunk's bytes decoded as UTF-8 (an invalid byte becomes U+FFFD); ends on a line break unless the chunk was cut for size or time.",
            min_length=1,
        ),
    ]


class AgentOutputEvent(BaseModel):
    model_config = ConfigDict(
        extra="allow",
    )
    type: Literal["agent.output"]
    seq: Annotated[JsonInt, Field(description="Position in the event log.", ge=1, le=9007199254740991)]
    ts: Annotated[
        StrictStr,
        Field(
            description="When the change committed (RFC 3339, UTC).",
            pattern="^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{1,9})?Z$",
        ),
    ]
    data: AgentOutputData


class AgentRun(BaseModel):
    model_config = ConfigDict(
        extra="allow",
    )
    id: Annotated[StrictStr, Field(max_length=128, min_length=1)]
    project_id: Annotated[StrictStr | None, Field(max_length=128, min_length=1)]
    task_id: Annotated[StrictStr | None, Field(max_length=128, min_length=1)]
    worktree_id: Annotated[StrictStr | None, Field(max_length=128, min_length=1)]
    prompt: StrictStr
    command: Annotated[list[StrictStr], Field(description="The argv that was run.")]
    cwd: StrictStr
    status: Literal["running", "completed", "failed", "cancelled", "lost"]
    pid: Annotated[JsonInt | None | MISSING, Field(ge=-9007199254740991, le=9007199254740991)] = MISSING
    exit_code: Annotated[JsonInt | None | MISSING, Field(ge=-9007199254740991, le=9007199254740991)] = (
        MISSING
    )
    started_at: Annotated[
        StrictStr,
        Field(
            description="RFC 3339 timestamp in UTC (`Z`).",
            pattern="^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{1,9})?Z$",
        ),
    ]
    ended_at: Annotated[
        StrictStr | None | MISSING,
        Field(
            description="RFC 3339 timestamp in UTC (`Z`).",
            pattern="^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{1,9})?Z$",
        ),
    ] = MISSING
    duration_ms: Annotated[StrictFloat | None | MISSING, Field(ge=0.0, le=9007199254740991.0)] = MISSING
    stderr_tail: list[StrictStr] | MISSING = MISSING
    node: Annotated[
        StrictStr | None | MISSING,
        Field(
            description="The node (daemon) that runs it and alone can cancel it: its node id (`GET /api/health`). Null for a run recorded before nodes existed.",
            max_length=64,
            min_length=1,
        ),
    ] = MISSING
    loop_id: Annotated[
        StrictStr | None | MISSING,
        Field(
            description="The autonomous loop this run is an iteration of; null for a run started on its own.",
            max_length=128,
            min_length=1,
        ),
    ] = MISSING
    loop_iteration: Annotated[
        JsonInt | None | MISSING,
        Field(description="Which iteration of `loop_id` this run is.", ge=1, le=9007199254740991),
    ] = MISSING


class ContentBlock(BaseModel):
    model_config = ConfigDict(
        extra="allow",
    )
    type: Annotated[
        StrictStr,
        Field(
            description="`text`, `thinking`, `tool_use`, `tool_result`, or another block type.", min_length=1
        ),
    ]
    text: StrictStr | None | MISSING = MISSING
    tool_name: StrictStr | None | MISSING = MISSING
    is_error: Annotated[
        StrictBool | MISSING,
        Field(
            description="On a `tool_result`: true when the tool reported a failure (Claude Code's `is_error`). Absent otherwise."
        ),
    ] = MISSING


class ErrorFrame(BaseModel):
    model_config = ConfigDict(
        extra="allow",
    )
    type: Literal["error"]
    code: Annotated[
        StrictStr, Field(description="Stable machine-readable code, see docs/protocol.md.", min_length=1)
    ]
    message: StrictStr
    id: Annotated[
        StrictStr | Annotated[JsonInt, Field(ge=-9007199254740991, le=9007199254740991)] | MISSING,
        Field(description="Chosen by the client, echoed in the reply."),
    ] = MISSING


class HookEvent(BaseModel):
    model_config = ConfigDict(
        extra="allow",
    )
    session_id: Annotated[StrictStr, Field(max_length=128, min_length=1)]
    hook_type: Annotated[
        StrictStr, Field(description="The hook's own name, e.g. `PreToolUse`.", min_length=1)
    ]
    source: Annotated[
        StrictStr, Field(description="The agent CLI: `claude`, `gemini`, `codex`, ...", min_length=1)
    ]
    summary: Annotated[StrictStr, Field(description="One line for people.")]
    tool_name: StrictStr | None | MISSING = MISSING
    cwd: StrictStr | None | MISSING = MISSING


class HookGenericEvent(BaseModel):
    model_config = ConfigDict(
        extra="allow",
    )
    type: Literal["hook.generic"]
    seq: Annotated[JsonInt, Field(description="Position in the event log.", ge=1, le=9007199254740991)]
    ts: Annotated[
        StrictStr,
        Field(
            description="When the change committed (RFC 3339, UTC).",
            pattern="^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{1,9})?Z$",
        ),
    ]
    data: HookEvent


class HookNotificationEvent(BaseModel):
    model_config = ConfigDict(
        extra="allow",
    )
    type: Literal["hook.notification"]
    seq: Annotated[JsonInt, Field(description="Position in the event log.", ge=1, le=9007199254740991)]
    ts: Annotated[
        StrictStr,
        Field(
            description="When the change committed (RFC 3339, UTC).",
            pattern="^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{1,9})?Z$",
        ),
    ]
    data: HookEvent


class HookPostToolUseEvent(BaseModel):
    model_config = ConfigDict(
        extra="allow",
    )
    type: Literal["hook.post_tool_use"]
    seq: Annotated[JsonInt, Field(description="Position in the event log.", ge=1, le=9007199254740991)]
    ts: Annotated[
        StrictStr,
        Field(
            description="When the change committed (RFC 3339, UTC).",
            pattern="^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{1,9})?Z$",
        ),
    ]
    data: HookEvent


class HookPreCompactEvent(BaseModel):
    model_config = ConfigDict(
        extra="allow",
    )
    type: Literal["hook.pre_compact"]
    seq: Annotated[JsonInt, Field(description="Position in the event log.", ge=1, le=9007199254740991)]
    ts: Annotated[
        StrictStr,
        Field(
            description="When the change committed (RFC 3339, UTC).",
            pattern="^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{1,9})?Z$",
        ),
    ]
    data: HookEvent


class HookPreToolUseEvent(BaseModel):
    model_config = ConfigDict(
        extra="allow",
    )
    type: Literal["hook.pre_tool_use"]
    seq: Annotated[JsonInt, Field(description="Position in the event log.", ge=1, le=9007199254740991)]
    ts: Annotated[
        StrictStr,
        Field(
            description="When the change committed (RFC 3339, UTC).",
            pattern="^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{1,9})?Z$",
        ),
    ]
    data: HookEvent


class HookSessionEndEvent(BaseModel):
    model_config = ConfigDict(
        extra="allow",
    )
    type: Literal["hook.session_end"]
    seq: Annotated[JsonInt, Field(description="Position in the event log.", ge=1, le=9007199254740991)]
    ts: Annotated[
        StrictStr,
        Field(
            description="When the change committed (RFC 3339, UTC).",
            pattern="^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{1,9})?Z$",
        ),
    ]
    data: HookEvent


class HookSessionStartEvent(BaseModel):
    model_config = ConfigDict(
        extra="allow",
    )
    type: Literal["hook.session_start"]
    seq: Annotated[JsonInt, Field(description="Position in the event log.", ge=1, le=9007199254740991)]
    ts: Annotated[
        StrictStr,
        Field(
            description="When the change committed (RFC 3339, UTC).",
            pattern="^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{1,9})?Z$",
        ),
    ]
    data: HookEvent


class HookStopEvent(BaseModel):
    model_config = ConfigDict(
        extra="allow",
    )
    type: Literal["hook.stop"]
    seq: Annotated[JsonInt, Field(description="Position in the event log.", ge=1, le=9007199254740991)]
    ts: Annotated[
        StrictStr,
        Field(
            description="When the change committed (RFC 3339, UTC).",
            pattern="^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{1,9})?Z$",
        ),
    ]
    data: HookEvent


class HookSubagentStopEvent(BaseModel):
    model_config = ConfigDict(
        extra="allow",
    )
    type: Literal["hook.subagent_stop"]
    seq: Annotated[JsonInt, Field(description="Position in the event log.", ge=1, le=9007199254740991)]
    ts: Annotated[
        StrictStr,
        Field(
            description="When the change committed (RFC 3339, UTC).",
            pattern="^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{1,9})?Z$",
        ),
    ]
    data: HookEvent


class HookUserPromptSubmitEvent(BaseModel):
    model_config = ConfigDict(
        extra="allow",
    )
    type: Literal["hook.user_prompt_submit"]
    seq: Annotated[JsonInt, Field(description="Position in the event log.", ge=1, le=9007199254740991)]
    ts: Annotated[
        StrictStr,
        Field(
            description="When the change committed (RFC 3339, UTC).",
            pattern="^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{1,9})?Z$",
        ),
    ]
    data: HookEvent


class LoopCommit(BaseModel):
    model_config = ConfigDict(
        extra="allow",
    )
    sha: Annotated[StrictStr, Field(max_length=64, min_length=1)]
    subject: Annotated[StrictStr, Field(description="The first line of the commit message.")]


class LoopIteration(BaseModel):
    model_config = ConfigDict(
        extra="allow",
    )
    loop_id: Annotated[StrictStr, Field(max_length=128, min_length=1)]
    iteration: Annotated[JsonInt, Field(ge=1, le=9007199254740991)]
    task_id: Annotated[StrictStr, Field(max_length=128, min_length=1)]
    agent_id: Annotated[
        StrictStr | None | MISSING,
        Field(
            description="The iteration's agent run; null when it ended before one started.",
            max_length=128,
            min_length=1,
        ),
    ] = MISSING
    outcome: Literal["succeeded", "failed", "stopped"]
    detail: Annotated[
        StrictStr | None | MISSING,
        Field(description="Why it failed (e.g. `agent ... made no commits`); null when it succeeded."),
    ] = MISSING
    commits: list[LoopCommit]
    ended_at: Annotated[
        StrictStr,
        Field(
            description="RFC 3339 timestamp in UTC (`Z`).",
            pattern="^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{1,9})?Z$",
        ),
    ]


class McpToolDetail(BaseModel):
    model_config = ConfigDict(
        extra="allow",
    )
    name: Annotated[StrictStr, Field(min_length=1)]
    description: StrictStr | None | MISSING = MISSING


class McpServer(BaseModel):
    model_config = ConfigDict(
        extra="allow",
    )
    name: Annotated[StrictStr, Field(min_length=1)]
    transport: Literal["stdio", "streamable_http"]
    state: Literal["connecting", "connected", "disconnected", "failed"]
    tool_count: Annotated[JsonInt, Field(ge=0, le=9007199254740991)]
    tools: list[StrictStr]
    calls: Annotated[JsonInt, Field(ge=0, le=9007199254740991)]
    last_error: StrictStr | None | MISSING = MISSING
    connected_at: Annotated[
        StrictStr | None | MISSING,
        Field(
            description="RFC 3339 timestamp in UTC (`Z`).",
            pattern="^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{1,9})?Z$",
        ),
    ] = MISSING
    tool_details: Annotated[
        list[McpToolDetail] | MISSING,
        Field(description="The tools with their descriptions, in the order the server lists them."),
    ] = MISSING
    origin: Annotated[
        Literal["config", "api"] | MISSING,
        Field(description="Where the server is defined: the config file (remove it there) or the REST API."),
    ] = MISSING
    attempts: Annotated[
        JsonInt | MISSING,
        Field(description="Consecutive failed attempts to connect.", ge=0, le=9007199254740991),
    ] = MISSING
    next_attempt_at: Annotated[
        StrictStr | None | MISSING,
        Field(
            description="RFC 3339 timestamp in UTC (`Z`): when the next attempt to connect is due, while the server is disconnected or failed.",
            pattern="^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{1,9})?Z$",
        ),
    ] = MISSING


class McpServerConnectedData(BaseModel):
    model_config = ConfigDict(
        extra="allow",
    )
    server_name: Annotated[StrictStr, Field(min_length=1)]
    transport: Literal["stdio", "streamable_http"]
    tool_count: Annotated[JsonInt, Field(ge=0, le=9007199254740991)]


class McpServerConnectedEvent(BaseModel):
    model_config = ConfigDict(
        extra="allow",
    )
    type: Literal["mcp.server_connected"]
    seq: Annotated[JsonInt, Field(description="Position in the event log.", ge=1, le=9007199254740991)]
    ts: Annotated[
        StrictStr,
        Field(
            description="When the change committed (RFC 3339, UTC).",
            pattern="^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{1,9})?Z$",
        ),
    ]
    data: McpServerConnectedData


class McpServerDisconnectedData(BaseModel):
    model_config = ConfigDict(
        extra="allow",
    )
    server_name: Annotated[StrictStr, Field(min_length=1)]
    reason: StrictStr
    will_retry: Annotated[
        StrictBool | MISSING,
        Field(
            description="Whether the daemon will try to reconnect (false only when the server was removed)."
        ),
    ] = MISSING
    next_attempt_at: Annotated[
        StrictStr | None | MISSING,
        Field(
            description="RFC 3339 timestamp in UTC (`Z`): when the daemon tries to connect again; null when it will not.",
            pattern="^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{1,9})?Z$",
        ),
    ] = MISSING
    attempts: Annotated[
        JsonInt | MISSING,
        Field(
            description="Consecutive failed attempts to connect so far (0 after a connection that worked ended).",
            ge=0,
            le=9007199254740991,
        ),
    ] = MISSING
    failed: Annotated[
        StrictBool | MISSING,
        Field(
            description="Whether the server now counts as failed (`max_failures` attempts in a row failed); it is still retried, further apart."
        ),
    ] = MISSING


class McpServerDisconnectedEvent(BaseModel):
    model_config = ConfigDict(
        extra="allow",
    )
    type: Literal["mcp.server_disconnected"]
    seq: Annotated[JsonInt, Field(description="Position in the event log.", ge=1, le=9007199254740991)]
    ts: Annotated[
        StrictStr,
        Field(
            description="When the change committed (RFC 3339, UTC).",
            pattern="^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{1,9})?Z$",
        ),
    ]
    data: McpServerDisconnectedData


class McpToolCalledData(BaseModel):
    model_config = ConfigDict(
        extra="allow",
    )
    server_name: Annotated[StrictStr, Field(min_length=1)]
    tool_name: Annotated[StrictStr, Field(min_length=1)]
    duration_ms: Annotated[StrictFloat, Field(ge=0.0, le=9007199254740991.0)]
    ok: StrictBool
    error: StrictStr | None | MISSING = MISSING


class McpToolCalledEvent(BaseModel):
    model_config = ConfigDict(
        extra="allow",
    )
    type: Literal["mcp.tool_called"]
    seq: Annotated[JsonInt, Field(description="Position in the event log.", ge=1, le=9007199254740991)]
    ts: Annotated[
        StrictStr,
        Field(
            description="When the change committed (RFC 3339, UTC).",
            pattern="^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{1,9})?Z$",
        ),
    ]
    data: McpToolCalledData


class PingFrame(BaseModel):
    model_config = ConfigDict(
        extra="allow",
    )
    type: Literal["ping"]
    id: Annotated[
        StrictStr | Annotated[JsonInt, Field(ge=-9007199254740991, le=9007199254740991)] | MISSING,
        Field(description="Chosen by the client, echoed in the reply."),
    ] = MISSING
    t: Annotated[StrictFloat | MISSING, Field(ge=-9007199254740991.0, le=9007199254740991.0)] = MISSING


class PongFrame(BaseModel):
    model_config = ConfigDict(
        extra="allow",
    )
    type: Literal["pong"]
    id: Annotated[
        StrictStr | Annotated[JsonInt, Field(ge=-9007199254740991, le=9007199254740991)] | MISSING,
        Field(description="Chosen by the client, echoed in the reply."),
    ] = MISSING
    t: Annotated[
        StrictFloat | MISSING,
        Field(description="Echo of the ping's `t`.", ge=-9007199254740991.0, le=9007199254740991.0),
    ] = MISSING
    server_time: Annotated[
        StrictStr,
        Field(
            description="RFC 3339 timestamp in UTC (`Z`).",
            pattern="^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{1,9})?Z$",
        ),
    ]
    seq: Annotated[JsonInt, Field(ge=0, le=9007199254740991)]


class Project(BaseModel):
    model_config = ConfigDict(
        extra="allow",
    )
    id: Annotated[StrictStr, Field(max_length=128, min_length=1)]
    name: Annotated[StrictStr, Field(min_length=1)]
    path: Annotated[StrictStr, Field(description="Absolute path of the repository.", min_length=1)]
    created_at: Annotated[
        StrictStr,
        Field(
            description="RFC 3339 timestamp in UTC (`Z`).",
            pattern="^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{1,9})?Z$",
        ),
    ]


class ProjectEventData(BaseModel):
    model_config = ConfigDict(
        extra="allow",
    )
    project_id: Annotated[StrictStr, Field(max_length=128, min_length=1)]
    project: Project


class ProjectRemovedEvent(BaseModel):
    model_config = ConfigDict(
        extra="allow",
    )
    type: Literal["project.removed"]
    seq: Annotated[JsonInt, Field(description="Position in the event log.", ge=1, le=9007199254740991)]
    ts: Annotated[
        StrictStr,
        Field(
            description="When the change committed (RFC 3339, UTC).",
            pattern="^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{1,9})?Z$",
        ),
    ]
    data: ProjectEventData


class ProjectUpdatedEvent(BaseModel):
    model_config = ConfigDict(
        extra="allow",
    )
    type: Literal["project.updated"]
    seq: Annotated[JsonInt, Field(description="Position in the event log.", ge=1, le=9007199254740991)]
    ts: Annotated[
        StrictStr,
        Field(
            description="When the change committed (RFC 3339, UTC).",
            pattern="^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{1,9})?Z$",
        ),
    ]
    data: ProjectEventData


class ResumeFrame(BaseModel):
    model_config = ConfigDict(
        extra="allow",
    )
    type: Literal["resume"]
    epoch: Annotated[StrictStr, Field(max_length=128, min_length=1)]
    after_seq: Annotated[JsonInt, Field(ge=0, le=9007199254740991)]
    id: Annotated[
        StrictStr | Annotated[JsonInt, Field(ge=-9007199254740991, le=9007199254740991)] | MISSING,
        Field(description="Chosen by the client, echoed in the reply."),
    ] = MISSING


class ResumedFrame(BaseModel):
    model_config = ConfigDict(
        extra="allow",
    )
    type: Literal["resumed"]
    after_seq: Annotated[JsonInt, Field(ge=0, le=9007199254740991)]
    to_seq: Annotated[JsonInt, Field(ge=0, le=9007199254740991)]
    replayed: Annotated[JsonInt, Field(ge=0, le=9007199254740991)]
    id: Annotated[
        StrictStr | Annotated[JsonInt, Field(ge=-9007199254740991, le=9007199254740991)] | MISSING,
        Field(description="Chosen by the client, echoed in the reply."),
    ] = MISSING


class ResyncFrame(BaseModel):
    model_config = ConfigDict(
        extra="allow",
    )
    type: Literal["resync"]
    reason: Literal["epoch_changed", "gap_too_old", "overflow"]
    epoch: Annotated[StrictStr | MISSING, Field(max_length=128, min_length=1)] = MISSING
    seq: Annotated[JsonInt | MISSING, Field(ge=0, le=9007199254740991)] = MISSING
    id: Annotated[
        StrictStr | Annotated[JsonInt, Field(ge=-9007199254740991, le=9007199254740991)] | MISSING,
        Field(description="Chosen by the client, echoed in the reply."),
    ] = MISSING


class Session(BaseModel):
    model_config = ConfigDict(
        extra="allow",
    )
    id: Annotated[StrictStr, Field(max_length=128, min_length=1)]
    source: Annotated[
        StrictStr,
        Field(description="The agent CLI: `claude`, `gemini`, `codex`, or another name.", min_length=1),
    ]
    status: Literal["active", "waiting", "idle", "ended"]
    waiting_reason: Annotated[
        StrictStr | None | MISSING,
        Field(
            description='While `status` is `waiting`: why, in one line, from the hook that made the session wait (a `Notification` hook\'s `message`, such as "Claude needs your permission to use Bash", or the tool a `PermissionRequest` hook asks for). Null or absent otherwise.'
        ),
    ] = MISSING
    cwd: StrictStr | None | MISSING = MISSING
    git_branch: StrictStr | None | MISSING = MISSING
    transcript_path: StrictStr | None | MISSING = MISSING
    project_id: Annotated[StrictStr | None | MISSING, Field(max_length=128, min_length=1)] = MISSING
    started_at: Annotated[
        StrictStr,
        Field(
            description="RFC 3339 timestamp in UTC (`Z`).",
            pattern="^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{1,9})?Z$",
        ),
    ]
    updated_at: Annotated[
        StrictStr,
        Field(
            description="RFC 3339 timestamp in UTC (`Z`).",
            pattern="^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{1,9})?Z$",
        ),
    ]
    ended_at: Annotated[
        StrictStr | None | MISSING,
        Field(
            description="RFC 3339 timestamp in UTC (`Z`).",
            pattern="^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{1,9})?Z$",
        ),
    ] = MISSING
    last_hook: StrictStr | None | MISSING = MISSING
    tool_count: Annotated[JsonInt, Field(ge=0, le=9007199254740991)]
    message_count: Annotated[JsonInt, Field(ge=0, le=9007199254740991)]


class SessionEventData(BaseModel):
    model_config = ConfigDict(
        extra="allow",
    )
    session_id: Annotated[StrictStr, Field(max_length=128, min_length=1)]
    session: Session
    changed: Annotated[
        list[StrictStr] | MISSING,
        Field(
            description="For `session.updated` and `session.ended`: every field of the session record that changed; absent on `session.created`."
        ),
    ] = MISSING


class SessionMessage(BaseModel):
    model_config = ConfigDict(
        extra="allow",
    )
    session_id: Annotated[StrictStr, Field(max_length=128, min_length=1)]
    index: Annotated[
        JsonInt,
        Field(description="Position in the transcript, from 0, without gaps.", ge=0, le=9007199254740991),
    ]
    role: Annotated[StrictStr, Field(description="`user`, `assistant`, `system` or `tool`.", min_length=1)]
    content: list[ContentBlock]
    tool_name: StrictStr | None | MISSING = MISSING
    ts: Annotated[
        StrictStr | None | MISSING,
        Field(
            description="RFC 3339 timestamp in UTC (`Z`).",
            pattern="^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{1,9})?Z$",
        ),
    ] = MISSING


class SessionMessageEvent(BaseModel):
    model_config = ConfigDict(
        extra="allow",
    )
    type: Literal["session.message"]
    seq: Annotated[JsonInt, Field(description="Position in the event log.", ge=1, le=9007199254740991)]
    ts: Annotated[
        StrictStr,
        Field(
            description="When the change committed (RFC 3339, UTC).",
            pattern="^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{1,9})?Z$",
        ),
    ]
    data: SessionMessage


class SessionUpdatedEvent(BaseModel):
    model_config = ConfigDict(
        extra="allow",
    )
    type: Literal["session.updated"]
    seq: Annotated[JsonInt, Field(description="Position in the event log.", ge=1, le=9007199254740991)]
    ts: Annotated[
        StrictStr,
        Field(
            description="When the change committed (RFC 3339, UTC).",
            pattern="^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{1,9})?Z$",
        ),
    ]
    data: SessionEventData


class Event(RootModel[StrictStr]):
    root: Annotated[StrictStr, Field(max_length=512, min_length=1)]


class SubscribeFrame(BaseModel):
    model_config = ConfigDict(
        extra="allow",
    )
    type: Literal["subscribe"]
    events: Annotated[
        list[Event],
        Field(
            description="Event names, `prefix.*` patterns, `*`, or a filtered name `name:field=value`.",
            max_length=256,
            min_length=1,
        ),
    ]
    id: Annotated[
        StrictStr | Annotated[JsonInt, Field(ge=-9007199254740991, le=9007199254740991)] | MISSING,
        Field(description="Chosen by the client, echoed in the reply."),
    ] = MISSING


class SubscribedFrame(BaseModel):
    model_config = ConfigDict(
        extra="allow",
    )
    type: Literal["subscribed"]
    events: Annotated[
        list[StrictStr], Field(description="The connection's whole active set after the change.")
    ]
    seq: Annotated[
        JsonInt | MISSING,
        Field(
            description="The connection's log position when the change took effect: the new set applies to events with a greater seq.",
            ge=0,
            le=9007199254740991,
        ),
    ] = MISSING
    id: Annotated[
        StrictStr | Annotated[JsonInt, Field(ge=-9007199254740991, le=9007199254740991)] | MISSING,
        Field(description="Chosen by the client, echoed in the reply."),
    ] = MISSING


class Task(BaseModel):
    model_config = ConfigDict(
        extra="allow",
    )
    id: Annotated[StrictStr, Field(max_length=128, min_length=1)]
    project_id: Annotated[StrictStr | None, Field(max_length=128, min_length=1)]
    title: Annotated[StrictStr, Field(max_length=500, min_length=1)]
    description: StrictStr
    status: Literal["open", "in_progress", "blocked", "closed"]
    priority: Annotated[JsonInt, Field(description="0 is the most urgent.", ge=0, le=4)]
    labels: list[StrictStr]
    parent_id: Annotated[StrictStr | None, Field(max_length=128, min_length=1)]
    created_at: Annotated[
        StrictStr,
        Field(
            description="RFC 3339 timestamp in UTC (`Z`).",
            pattern="^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{1,9})?Z$",
        ),
    ]
    updated_at: Annotated[
        StrictStr,
        Field(
            description="RFC 3339 timestamp in UTC (`Z`).",
            pattern="^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{1,9})?Z$",
        ),
    ]
    closed_at: Annotated[
        StrictStr | None,
        Field(
            description="RFC 3339 timestamp in UTC (`Z`).",
            pattern="^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{1,9})?Z$",
        ),
    ]
    closed_reason: StrictStr | None
    failure_count: Annotated[
        JsonInt | MISSING,
        Field(description="How many agent runs on this task failed.", ge=0, le=9007199254740991),
    ] = MISSING
    last_failure: StrictStr | None | MISSING = MISSING


class TaskEventData(BaseModel):
    model_config = ConfigDict(
        extra="allow",
    )
    task_id: Annotated[StrictStr, Field(max_length=128, min_length=1)]
    project_id: Annotated[StrictStr | None, Field(max_length=128, min_length=1)]
    task: Task


class SubtaskId(RootModel[StrictStr]):
    root: Annotated[StrictStr, Field(max_length=128, min_length=1)]


class TaskExpandedData(BaseModel):
    model_config = ConfigDict(
        extra="allow",
    )
    task_id: Annotated[StrictStr, Field(max_length=128, min_length=1)]
    project_id: Annotated[StrictStr | None, Field(max_length=128, min_length=1)]
    task: Task
    subtask_ids: Annotated[list[SubtaskId], Field(description="Ids of the subtasks created, in order.")]


class TaskExpandedEvent(BaseModel):
    model_config = ConfigDict(
        extra="allow",
    )
    type: Literal["task.expanded"]
    seq: Annotated[JsonInt, Field(description="Position in the event log.", ge=1, le=9007199254740991)]
    ts: Annotated[
        StrictStr,
        Field(
            description="When the change committed (RFC 3339, UTC).",
            pattern="^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{1,9})?Z$",
        ),
    ]
    data: TaskExpandedData


class TaskUpdatedData(BaseModel):
    model_config = ConfigDict(
        extra="allow",
    )
    task_id: Annotated[StrictStr, Field(max_length=128, min_length=1)]
    project_id: Annotated[StrictStr | None, Field(max_length=128, min_length=1)]
    task: Task
    changed: Annotated[list[StrictStr], Field(description="Names of the task fields that changed.")]
    previous: Annotated[
        dict[str, Any] | MISSING, Field(description="The changed fields' values before the change.")
    ] = MISSING


class TaskUpdatedEvent(BaseModel):
    model_config = ConfigDict(
        extra="allow",
    )
    type: Literal["task.updated"]
    seq: Annotated[JsonInt, Field(description="Position in the event log.", ge=1, le=9007199254740991)]
    ts: Annotated[
        StrictStr,
        Field(
            description="When the change committed (RFC 3339, UTC).",
            pattern="^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{1,9})?Z$",
        ),
    ]
    data: TaskUpdatedData


class UnsubscribeFrame(BaseModel):
    model_config = ConfigDict(
        extra="allow",
    )
    type: Literal["unsubscribe"]
    events: Annotated[
        list[Event],
        Field(
            description="Event names, `prefix.*` patterns, `*`, or a filtered name `name:field=value`.",
            max_length=256,
            min_length=1,
        ),
    ]
    id: Annotated[
        StrictStr | Annotated[JsonInt, Field(ge=-9007199254740991, le=9007199254740991)] | MISSING,
        Field(description="Chosen by the client, echoed in the reply."),
    ] = MISSING


class UnsubscribedFrame(BaseModel):
    model_config = ConfigDict(
        extra="allow",
    )
    type: Literal["unsubscribed"]
    events: Annotated[
        list[StrictStr], Field(description="The connection's whole active set after the change.")
    ]
    seq: Annotated[
        JsonInt | MISSING,
        Field(
            description="The connection's log position when the change took effect: the new set applies to events with a greater seq.",
            ge=0,
            le=9007199254740991,
        ),
    ] = MISSING
    id: Annotated[
        StrictStr | Annotated[JsonInt, Field(ge=-9007199254740991, le=9007199254740991)] | MISSING,
        Field(description="Chosen by the client, echoed in the reply."),
    ] = MISSING


class WelcomeFrame(BaseModel):
    model_config = ConfigDict(
        extra="allow",
    )
    type: Literal["welcome"]
    protocol: Literal["tidewire.v1"]
    server_id: Annotated[StrictStr, Field(max_length=128, min_length=1)]
    epoch: Annotated[
        StrictStr,
        Field(
            description="Identifies one event log; a new epoch means every seq before it is void.",
            max_length=128,
            min_length=1,
        ),
    ]
    seq: Annotated[
        JsonInt, Field(description="Latest committed seq (0 before any event).", ge=0, le=9007199254740991)
    ]
    heartbeat_ms: Annotated[JsonInt, Field(ge=1, le=9007199254740991)]
    oldest_seq: Annotated[
        JsonInt | MISSING,
        Field(
            description="Oldest seq that can still be resumed after (resume with `after_seq >= oldest_seq - 1`).",
            ge=0,
            le=9007199254740991,
        ),
    ] = MISSING
    max_frame_bytes: Annotated[
        JsonInt | MISSING,
        Field(
            description="Largest client frame accepted; larger closes with 1009.", ge=1, le=9007199254740991
        ),
    ] = MISSING


class Worktree(BaseModel):
    model_config = ConfigDict(
        extra="allow",
    )
    id: Annotated[StrictStr, Field(max_length=128, min_length=1)]
    project_id: Annotated[StrictStr, Field(max_length=128, min_length=1)]
    task_id: Annotated[StrictStr | None, Field(max_length=128, min_length=1)]
    branch: Annotated[StrictStr, Field(min_length=1)]
    base_branch: Annotated[StrictStr, Field(min_length=1)]
    path: StrictStr
    status: Literal["active", "claimed", "merged", "deleted"]
    owner: StrictStr | None
    created_at: Annotated[
        StrictStr,
        Field(
            description="RFC 3339 timestamp in UTC (`Z`).",
            pattern="^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{1,9})?Z$",
        ),
    ]
    updated_at: Annotated[
        StrictStr,
        Field(
            description="RFC 3339 timestamp in UTC (`Z`).",
            pattern="^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{1,9})?Z$",
        ),
    ]
    merged_into: StrictStr | None | MISSING = MISSING
    merge_commit: StrictStr | None | MISSING = MISSING


class WorktreeEventData(BaseModel):
    model_config = ConfigDict(
        extra="allow",
    )
    worktree_id: Annotated[StrictStr, Field(max_length=128, min_length=1)]
    project_id: Annotated[StrictStr, Field(max_length=128, min_length=1)]
    worktree: Worktree
    action: Annotated[
        StrictStr | None | MISSING, Field(description="For `worktree.updated`: `claim` or `release`.")
    ] = MISSING


class WorktreeMergedEvent(BaseModel):
    model_config = ConfigDict(
        extra="allow",
    )
    type: Literal["worktree.merged"]
    seq: Annotated[JsonInt, Field(description="Position in the event log.", ge=1, le=9007199254740991)]
    ts: Annotated[
        StrictStr,
        Field(
            description="When the change committed (RFC 3339, UTC).",
            pattern="^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{1,9})?Z$",
        ),
    ]
    data: WorktreeEventData


class WorktreeUpdatedEvent(BaseModel):
    model_config = ConfigDict(
        extra="allow",
    )
    type: Literal["worktree.updated"]
    seq: Annotated[JsonInt, Field(description="Position in the event log.", ge=1, le=9007199254740991)]
    ts: Annotated[
        StrictStr,
        Field(
            description="When the change committed (RFC 3339, UTC).",
            pattern="^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{1,9})?Z$",
        ),
    ]
    data: WorktreeEventData


class AgentEvent(BaseModel):
    model_config = ConfigDict(
        extra="allow",
    )
    agent_id: Annotated[StrictStr, Field(max_length=128, min_length=1)]
    task_id: Annotated[StrictStr | None, Field(max_length=128, min_length=1)]
    worktree_id: Annotated[StrictStr | None, Field(max_length=128, min_length=1)]
    project_id: Annotated[StrictStr | None | MISSING, Field(max_length=128, min_length=1)] = MISSING
    status: Literal["running", "completed", "failed", "cancelled", "lost"]
    exit_code: Annotated[JsonInt | None | MISSING, Field(ge=-9007199254740991, le=9007199254740991)] = (
        MISSING
    )
    duration_ms: Annotated[StrictFloat | None | MISSING, Field(ge=0.0, le=9007199254740991.0)] = MISSING
    stderr_tail: Annotated[
        list[StrictStr] | MISSING, Field(description="Last lines of stderr (for `agent.failed`).")
    ] = MISSING
    agent: AgentRun


class AgentFailedEvent(BaseModel):
    model_config = ConfigDict(
        extra="allow",
    )
    type: Literal["agent.failed"]
    seq: Annotated[JsonInt, Field(description="Position in the event log.", ge=1, le=9007199254740991)]
    ts: Annotated[
        StrictStr,
        Field(
            description="When the change committed (RFC 3339, UTC).",
            pattern="^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{1,9})?Z$",
        ),
    ]
    data: AgentEvent


class AgentStartedEvent(BaseModel):
    model_config = ConfigDict(
        extra="allow",
    )
    type: Literal["agent.started"]
    seq: Annotated[JsonInt, Field(description="Position in the event log.", ge=1, le=9007199254740991)]
    ts: Annotated[
        StrictStr,
        Field(
            description="When the change committed (RFC 3339, UTC).",
            pattern="^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{1,9})?Z$",
        ),
    ]
    data: AgentEvent


class AutonomousLoop(BaseModel):
    model_config = ConfigDict(
        extra="allow",
    )
    id: Annotated[StrictStr, Field(max_length=128, min_length=1)]
    project_id: Annotated[StrictStr, Field(max_length=128, min_length=1)]
    status: Literal["running", "stopping", "stopped"]
    iteration: Annotated[JsonInt, Field(ge=0, le=9007199254740991)]
    max_iterations: Annotated[JsonInt | None | MISSING, Field(ge=1, le=9007199254740991)] = MISSING
    max_failures: Annotated[JsonInt, Field(ge=1, le=9007199254740991)]
    failures: Annotated[JsonInt, Field(ge=0, le=9007199254740991)]
    current_task_id: Annotated[StrictStr | None | MISSING, Field(max_length=128, min_length=1)] = MISSING
    started_at: Annotated[
        StrictStr,
        Field(
            description="RFC 3339 timestamp in UTC (`Z`).",
            pattern="^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{1,9})?Z$",
        ),
    ]
    stopped_at: Annotated[
        StrictStr | None | MISSING,
        Field(
            description="RFC 3339 timestamp in UTC (`Z`).",
            pattern="^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{1,9})?Z$",
        ),
    ] = MISSING
    stop_reason: Literal["no_ready_tasks", "max_iterations", "too_many_failures", "stop_requested", "daemon_stopping", "error"] | None | MISSING = (
        MISSING
    )


class ClientFrame(RootModel[SubscribeFrame | UnsubscribeFrame | PingFrame | ResumeFrame]):
    root: Annotated[
        SubscribeFrame | UnsubscribeFrame | PingFrame | ResumeFrame,
        Field(
            description="Every frame a client may send, keyed on `type`.",
            discriminator="type",
            examples=[{"type": "subscribe", "events": ["task.*", "agent.*", "session.message:session_id=9f1c2d3e"], "id": 1}],
            title="ClientFrame",
        ),
    ]


class ProjectCreatedEvent(BaseModel):
    model_config = ConfigDict(
        extra="allow",
    )
    type: Literal["project.created"]
    seq: Annotated[JsonInt, Field(description="Position in the event log.", ge=1, le=9007199254740991)]
    ts: Annotated[
        StrictStr,
        Field(
            description="When the change committed (RFC 3339, UTC).",
            pattern="^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{1,9})?Z$",
        ),
    ]
    data: ProjectEventData


class SessionCreatedEvent(BaseModel):
    model_config = ConfigDict(
        extra="allow",
    )
    type: Literal["session.created"]
    seq: Annotated[JsonInt, Field(description="Position in the event log.", ge=1, le=9007199254740991)]
    ts: Annotated[
        StrictStr,
        Field(
            description="When the change committed (RFC 3339, UTC).",
            pattern="^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{1,9})?Z$",
        ),
    ]
    data: SessionEventData


class SessionEndedEvent(BaseModel):
    model_config = ConfigDict(
        extra="allow",
    )
    type: Literal["session.ended"]
    seq: Annotated[JsonInt, Field(description="Position in the event log.", ge=1, le=9007199254740991)]
    ts: Annotated[
        StrictStr,
        Field(
            description="When the change committed (RFC 3339, UTC).",
            pattern="^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{1,9})?Z$",
        ),
    ]
    data: SessionEventData


class TaskClosedEvent(BaseModel):
    model_config = ConfigDict(
        extra="allow",
    )
    type: Literal["task.closed"]
    seq: Annotated[JsonInt, Field(description="Position in the event log.", ge=1, le=9007199254740991)]
    ts: Annotated[
        StrictStr,
        Field(
            description="When the change committed (RFC 3339, UTC).",
            pattern="^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{1,9})?Z$",
        ),
    ]
    data: TaskEventData


class TaskCreatedEvent(BaseModel):
    model_config = ConfigDict(
        extra="allow",
    )
    type: Literal["task.created"]
    seq: Annotated[JsonInt, Field(description="Position in the event log.", ge=1, le=9007199254740991)]
    ts: Annotated[
        StrictStr,
        Field(
            description="When the change committed (RFC 3339, UTC).",
            pattern="^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{1,9})?Z$",
        ),
    ]
    data: TaskEventData


class WorktreeCreatedEvent(BaseModel):
    model_config = ConfigDict(
        extra="allow",
    )
    type: Literal["worktree.created"]
    seq: Annotated[JsonInt, Field(description="Position in the event log.", ge=1, le=9007199254740991)]
    ts: Annotated[
        StrictStr,
        Field(
            description="When the change committed (RFC 3339, UTC).",
            pattern="^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{1,9})?Z$",
        ),
    ]
    data: WorktreeEventData


class WorktreeDeletedEvent(BaseModel):
    model_config = ConfigDict(
        extra="allow",
    )
    type: Literal["worktree.deleted"]
    seq: Annotated[JsonInt, Field(description="Position in the event log.", ge=1, le=9007199254740991)]
    ts: Annotated[
        StrictStr,
        Field(
            description="When the change committed (RFC 3339, UTC).",
            pattern="^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{1,9})?Z$",
        ),
    ]
    data: WorktreeEventData


class AgentCancelledEvent(BaseModel):
    model_config = ConfigDict(
        extra="allow",
    )
    type: Literal["agent.cancelled"]
    seq: Annotated[JsonInt, Field(description="Position in the event log.", ge=1, le=9007199254740991)]
    ts: Annotated[
        StrictStr,
        Field(
            description="When the change committed (RFC 3339, UTC).",
            pattern="^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{1,9})?Z$",
        ),
    ]
    data: AgentEvent


class AgentCompletedEvent(BaseModel):
    model_config = ConfigDict(
        extra="allow",
    )
    type: Literal["agent.completed"]
    seq: Annotated[JsonInt, Field(description="Position in the event log.", ge=1, le=9007199254740991)]
    ts: Annotated[
        StrictStr,
        Field(
            description="When the change committed (RFC 3339, UTC).",
            pattern="^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{1,9})?Z$",
        ),
    ]
    data: AgentEvent


class AutonomousEvent(BaseModel):
    model_config = ConfigDict(
        extra="allow",
    )
    loop_id: Annotated[StrictStr, Field(max_length=128, min_length=1)]
    project_id: Annotated[StrictStr, Field(max_length=128, min_length=1)]
    iteration: Annotated[JsonInt, Field(ge=0, le=9007199254740991)]
    task_id: Annotated[StrictStr | None | MISSING, Field(max_length=128, min_length=1)] = MISSING
    outcome: Annotated[
        StrictStr | None | MISSING,
        Field(
            description="For `autonomous.iteration`: `succeeded`, `failed`, or `stopped` (the loop was stopped mid-iteration; not counted as a failure)."
        ),
    ] = MISSING
    detail: StrictStr | None | MISSING = MISSING
    agent_id: Annotated[
        StrictStr | None | MISSING,
        Field(
            description="For `autonomous.iteration`: the iteration's agent run, null when none started.",
            max_length=128,
            min_length=1,
        ),
    ] = MISSING
    commits: Annotated[
        list[LoopCommit] | MISSING,
        Field(
            description="For `autonomous.iteration`: the commits the run made on its branch (merged when the iteration succeeded, discarded otherwise)."
        ),
    ] = MISSING
    reason: Literal["no_ready_tasks", "max_iterations", "too_many_failures", "stop_requested", "daemon_stopping", "error"] | None | MISSING = (
        MISSING
    )
    loop: AutonomousLoop


class AutonomousIterationEvent(BaseModel):
    model_config = ConfigDict(
        extra="allow",
    )
    type: Literal["autonomous.iteration"]
    seq: Annotated[JsonInt, Field(description="Position in the event log.", ge=1, le=9007199254740991)]
    ts: Annotated[
        StrictStr,
        Field(
            description="When the change committed (RFC 3339, UTC).",
            pattern="^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{1,9})?Z$",
        ),
    ]
    data: AutonomousEvent


class AutonomousStartedEvent(BaseModel):
    model_config = ConfigDict(
        extra="allow",
    )
    type: Literal["autonomous.started"]
    seq: Annotated[JsonInt, Field(description="Position in the event log.", ge=1, le=9007199254740991)]
    ts: Annotated[
        StrictStr,
        Field(
            description="When the change committed (RFC 3339, UTC).",
            pattern="^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{1,9})?Z$",
        ),
    ]
    data: AutonomousEvent


class AutonomousStoppedEvent(BaseModel):
    model_config = ConfigDict(
        extra="allow",
    )
    type: Literal["autonomous.stopped"]
    seq: Annotated[JsonInt, Field(description="Position in the event log.", ge=1, le=9007199254740991)]
    ts: Annotated[
        StrictStr,
        Field(
            description="When the change committed (RFC 3339, UTC).",
            pattern="^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{1,9})?Z$",
        ),
    ]
    data: AutonomousEvent


class ServerFrame(
    RootModel[
        WelcomeFrame
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
        | HookGenericEvent
    ]
):
    root: Annotated[
        WelcomeFrame | SubscribedFrame | UnsubscribedFrame | PongFrame | ResumedFrame | ResyncFrame | ErrorFrame | TaskCreatedEvent | TaskUpdatedEvent | TaskClosedEvent | TaskExpandedEvent | WorktreeCreatedEvent | WorktreeUpdatedEvent | WorktreeMergedEvent | WorktreeDeletedEvent | ProjectCreatedEvent | ProjectUpdatedEvent | ProjectRemovedEvent | McpServerConnectedEvent | McpServerDisconnectedEvent | McpToolCalledEvent | SessionCreatedEvent | SessionUpdatedEvent | SessionEndedEvent | SessionMessageEvent | AgentStartedEvent | AgentCompletedEvent | AgentFailedEvent | AgentCancelledEvent | AgentOutputEvent | AutonomousStartedEvent | AutonomousIterationEvent | AutonomousStoppedEvent | HookSessionStartEvent | HookUserPromptSubmitEvent | HookPreToolUseEvent | HookPostToolUseEvent | HookNotificationEvent | HookStopEvent | HookSubagentStopEvent | HookPreCompactEvent | HookSessionEndEvent | HookGenericEvent,
        Field(
            description="Every frame the daemon sends, keyed on `type`.",
            discriminator="type",
            examples=[{"type": "welcome", "protocol": "tidewire.v1", "server_id": "srv_7f3a", "epoch": "ep_2b9c", "seq": 41, "heartbeat_ms": 30000, "oldest_seq": 1, "max_frame_bytes": 1048576}, {"type": "task.created", "seq": 42, "ts": "2026-11-26T06:05:00.250Z", "data": {"task_id": "tsk_01", "project_id": "prj_01", "task": {"id": "tsk_01", "project_id": "prj_01", "title": "Add resume to the socket", "description": "", "status": "open", "priority": 2, "labels": ["server"], "parent_id": None, "created_at": "2026-11-26T06:00:00Z", "updated_at": "2026-11-26T06:00:00Z", "closed_at": None, "closed_reason": None, "failure_count": 0, "last_failure": None}}}],
            title="ServerFrame",
        ),
    ]
