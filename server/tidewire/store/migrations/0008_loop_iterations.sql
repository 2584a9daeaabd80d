-- Which loop iteration an agent run is (NULL for a run started on its own), and each finished
-- iteration's outcome, so a loop's timeline survives a reload and a restart.

ALTER TABLE agent_runs ADD COLUMN loop_id TEXT;
ALTER TABLE agent_runs ADD COLUMN loop_iteration INTEGER;

CREATE TABLE autonomous_iterations (
    loop_id    TEXT NOT NULL,
    iteration  INTEGER NOT NULL CHECK (iteration >= 1),
    task_id    TEXT NOT NULL,
    agent_id   TEXT,
    outcome    TEXT NOT NULL CHECK (outcome IN ('succeeded', 'failed', 'stopped')),
    detail     TEXT,
    commits    TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(commits)),
    ended_at   TEXT NOT NULL,
    PRIMARY KEY (loop_id, iteration)
);
