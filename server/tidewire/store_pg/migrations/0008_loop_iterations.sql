-- Loop iterations: the PostgreSQL form of store/migrations/0007_loop_iterations.sql.

ALTER TABLE agent_runs ADD COLUMN loop_id text COLLATE "C";
ALTER TABLE agent_runs ADD COLUMN loop_iteration integer;

CREATE TABLE autonomous_iterations (
    loop_id    text COLLATE "C" NOT NULL,
    iteration  integer NOT NULL CHECK (iteration >= 1),
    task_id    text COLLATE "C" NOT NULL,
    agent_id   text COLLATE "C",
    outcome    text COLLATE "C" NOT NULL CHECK (outcome IN ('succeeded', 'failed', 'stopped')),
    detail     text,
    commits    text NOT NULL DEFAULT '[]' CHECK (tidewire_json_type(commits) IS NOT NULL),
    ended_at   text COLLATE "C" NOT NULL,
    PRIMARY KEY (loop_id, iteration)
);
