-- Projects (git repositories), tasks and the worktrees checked out for them.
-- Timestamps are RFC 3339 UTC strings (the transaction's `now`); labels are a JSON array of strings.

CREATE TABLE projects (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL CHECK (length(name) > 0),
    path        TEXT NOT NULL UNIQUE,
    created_at  TEXT NOT NULL
);

CREATE TABLE tasks (
    id             TEXT PRIMARY KEY,
    project_id     TEXT REFERENCES projects (id),
    title          TEXT NOT NULL CHECK (length(title) BETWEEN 1 AND 500),
    description    TEXT NOT NULL DEFAULT '',
    status         TEXT NOT NULL CHECK (status IN ('open', 'in_progress', 'blocked', 'closed')),
    priority       INTEGER NOT NULL CHECK (priority BETWEEN 0 AND 4),
    labels         TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(labels) AND json_type(labels) = 'array'),
    parent_id      TEXT REFERENCES tasks (id),
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL,
    closed_at      TEXT,
    closed_reason  TEXT,
    failure_count  INTEGER NOT NULL DEFAULT 0 CHECK (failure_count >= 0),
    last_failure   TEXT,
    -- A closed task has a close time and only a closed task has one.
    CHECK ((status = 'closed') = (closed_at IS NOT NULL))
);

CREATE INDEX tasks_by_project_status ON tasks (project_id, status);
CREATE INDEX tasks_by_parent ON tasks (parent_id);

CREATE TABLE worktrees (
    id            TEXT PRIMARY KEY,
    project_id    TEXT NOT NULL REFERENCES projects (id),
    task_id       TEXT REFERENCES tasks (id),
    branch        TEXT NOT NULL CHECK (length(branch) > 0),
    base_branch   TEXT NOT NULL CHECK (length(base_branch) > 0),
    path          TEXT NOT NULL,
    status        TEXT NOT NULL CHECK (status IN ('active', 'claimed', 'merged', 'deleted')),
    owner         TEXT,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    merged_into   TEXT,
    merge_commit  TEXT,
    CHECK (status <> 'claimed' OR owner IS NOT NULL)
);

CREATE INDEX worktrees_by_project ON worktrees (project_id, status);
-- One live checkout per branch and project; merged and deleted rows are history.
CREATE UNIQUE INDEX worktrees_live_branch ON worktrees (project_id, branch)
    WHERE status IN ('active', 'claimed');
