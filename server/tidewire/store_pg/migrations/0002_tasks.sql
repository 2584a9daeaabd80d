-- Projects (git repositories), tasks and the worktrees checked out for them: the PostgreSQL form
-- of store/migrations/0002_tasks.sql (same tables, columns and constraints).
-- Timestamps are RFC 3339 UTC strings (the transaction's `now`), compared byte-wise (COLLATE "C")
-- as SQLite compares them; labels are a JSON array of strings kept as text, byte for byte.

-- SQLite's json_valid() / json_type() for CHECK constraints: the JSON type of `doc`, or NULL when
-- it is not JSON. A failed cast inside a CHECK would abort with a parse error instead of the
-- constraint violation SQLite reports, and PostgreSQL 15 has no IS JSON predicate.
CREATE FUNCTION tidewire_json_type(doc text) RETURNS text
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
BEGIN
    RETURN json_typeof(doc::json);
EXCEPTION WHEN data_exception THEN
    RETURN NULL;
END
$$;

CREATE TABLE projects (
    id          text COLLATE "C" PRIMARY KEY,
    name        text COLLATE "C" NOT NULL CHECK (length(name) > 0),
    path        text COLLATE "C" NOT NULL UNIQUE,
    created_at  text COLLATE "C" NOT NULL
);

-- `rowid`: SQLite's implicit row number, made explicit. The domain SQL lists tasks and worktrees
-- `ORDER BY created_at, rowid` (insertion order among rows created in the same millisecond); on
-- SQLite that is the table's own rowid, at no cost, and here an identity column of that name, so
-- the statement text is the same. Writes run one at a time across daemons (the counter row), so
-- identity order is commit order, as rowid order is on SQLite.
CREATE TABLE tasks (
    id             text COLLATE "C" PRIMARY KEY,
    project_id     text COLLATE "C" REFERENCES projects (id),
    title          text NOT NULL CHECK (length(title) BETWEEN 1 AND 500),
    description    text NOT NULL DEFAULT '',
    status         text COLLATE "C" NOT NULL CHECK (status IN ('open', 'in_progress', 'blocked', 'closed')),
    priority       integer NOT NULL CHECK (priority BETWEEN 0 AND 4),
    labels         text NOT NULL DEFAULT '[]' CHECK (tidewire_json_type(labels) = 'array'),
    parent_id      text COLLATE "C" REFERENCES tasks (id),
    created_at     text COLLATE "C" NOT NULL,
    updated_at     text COLLATE "C" NOT NULL,
    closed_at      text COLLATE "C",
    closed_reason  text,
    failure_count  integer NOT NULL DEFAULT 0 CHECK (failure_count >= 0),
    last_failure   text,
    rowid          bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
    -- A closed task has a close time and only a closed task has one.
    CHECK ((status = 'closed') = (closed_at IS NOT NULL))
);

CREATE INDEX tasks_by_project_status ON tasks (project_id, status);
CREATE INDEX tasks_by_parent ON tasks (parent_id);

CREATE TABLE worktrees (
    id            text COLLATE "C" PRIMARY KEY,
    project_id    text COLLATE "C" NOT NULL REFERENCES projects (id),
    task_id       text COLLATE "C" REFERENCES tasks (id),
    branch        text COLLATE "C" NOT NULL CHECK (length(branch) > 0),
    base_branch   text COLLATE "C" NOT NULL CHECK (length(base_branch) > 0),
    path          text COLLATE "C" NOT NULL,
    status        text COLLATE "C" NOT NULL CHECK (status IN ('active', 'claimed', 'merged', 'deleted')),
    owner         text COLLATE "C",
    created_at    text COLLATE "C" NOT NULL,
    updated_at    text COLLATE "C" NOT NULL,
    merged_into   text COLLATE "C",
    merge_commit  text COLLATE "C",
    rowid         bigint GENERATED ALWAYS AS IDENTITY UNIQUE,  -- see tasks.rowid
    CHECK (status <> 'claimed' OR owner IS NOT NULL)
);

CREATE INDEX worktrees_by_project ON worktrees (project_id, status);
-- One live checkout per branch and project; merged and deleted rows are history.
CREATE UNIQUE INDEX worktrees_live_branch ON worktrees (project_id, branch)
    WHERE status IN ('active', 'claimed');
