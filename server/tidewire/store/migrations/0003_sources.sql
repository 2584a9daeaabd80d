-- Event sources: agent CLI sessions (from hooks), their transcript messages, hook calls,
-- agent runs, autonomous loops and downstream MCP servers added at run time.
-- Timestamps are RFC 3339 UTC strings; JSON columns hold arrays or objects as noted.

CREATE TABLE sessions (
    id                 TEXT PRIMARY KEY CHECK (length(id) BETWEEN 1 AND 128),
    source             TEXT NOT NULL CHECK (length(source) > 0),
    status             TEXT NOT NULL CHECK (status IN ('active', 'waiting', 'idle', 'ended')),
    cwd                TEXT,
    git_branch         TEXT,
    transcript_path    TEXT,
    project_id         TEXT,
    started_at         TEXT NOT NULL,
    updated_at         TEXT NOT NULL,
    ended_at           TEXT,
    last_hook          TEXT,
    tool_count         INTEGER NOT NULL DEFAULT 0 CHECK (tool_count >= 0),
    message_count      INTEGER NOT NULL DEFAULT 0 CHECK (message_count >= 0),
    -- Where the transcript follower stopped (JSON, see sources/transcript.py); committed
    -- with the messages it produced, so a restart resumes exactly there.
    transcript_cursor  TEXT
);

CREATE INDEX sessions_by_status ON sessions (status, updated_at);

CREATE TABLE session_messages (
    session_id  TEXT NOT NULL REFERENCES sessions (id),
    idx         INTEGER NOT NULL CHECK (idx >= 0),
    role        TEXT NOT NULL,
    content     TEXT NOT NULL CHECK (json_valid(content)),
    tool_name   TEXT,
    ts          TEXT,
    PRIMARY KEY (session_id, idx)
) WITHOUT ROWID;

CREATE TABLE hook_calls (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    session_id   TEXT NOT NULL,
    source       TEXT NOT NULL,
    hook_type    TEXT NOT NULL,
    event        TEXT NOT NULL,
    summary      TEXT NOT NULL,
    tool_name    TEXT,
    received_at  TEXT NOT NULL,
    payload      TEXT NOT NULL CHECK (json_valid(payload))
);

CREATE INDEX hook_calls_by_session ON hook_calls (session_id, id);

CREATE TABLE agent_runs (
    id           TEXT PRIMARY KEY,
    project_id   TEXT,
    task_id      TEXT,
    worktree_id  TEXT,
    prompt       TEXT NOT NULL,
    command      TEXT NOT NULL CHECK (json_valid(command)),
    cwd          TEXT NOT NULL,
    status       TEXT NOT NULL CHECK (status IN ('running', 'completed', 'failed', 'cancelled', 'lost')),
    pid          INTEGER,
    exit_code    INTEGER,
    started_at   TEXT NOT NULL,
    ended_at     TEXT,
    duration_ms  REAL,
    stderr_tail  TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(stderr_tail)),
    log_path     TEXT,
    CHECK ((status = 'running') = (ended_at IS NULL))
);

CREATE INDEX agent_runs_by_status ON agent_runs (status);

CREATE TABLE autonomous_loops (
    id               TEXT PRIMARY KEY,
    project_id       TEXT NOT NULL,
    status           TEXT NOT NULL CHECK (status IN ('running', 'stopping', 'stopped')),
    iteration        INTEGER NOT NULL DEFAULT 0 CHECK (iteration >= 0),
    max_iterations   INTEGER CHECK (max_iterations IS NULL OR max_iterations >= 1),
    max_failures     INTEGER NOT NULL CHECK (max_failures >= 1),
    failures         INTEGER NOT NULL DEFAULT 0 CHECK (failures >= 0),
    current_task_id  TEXT,
    started_at       TEXT NOT NULL,
    stopped_at       TEXT,
    stop_reason      TEXT
);

-- One loop per project at a time.
CREATE UNIQUE INDEX autonomous_one_live_per_project ON autonomous_loops (project_id)
    WHERE status <> 'stopped';

CREATE TABLE mcp_servers (
    name        TEXT PRIMARY KEY CHECK (length(name) BETWEEN 1 AND 64),
    transport   TEXT NOT NULL CHECK (transport IN ('stdio', 'streamable_http')),
    command     TEXT,
    args        TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(args)),
    env         TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(env)),
    url         TEXT,
    created_at  TEXT NOT NULL,
    CHECK ((transport = 'stdio') = (command IS NOT NULL))
);
