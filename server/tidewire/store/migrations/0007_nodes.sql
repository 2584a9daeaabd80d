-- Which daemon (node) owns an agent run, and each node's lease on a database several daemons
-- share (docs/operations.md, "Running several daemons"). A run recorded before nodes existed
-- has no node. SQLite has one daemon, so its lease table stays empty; it exists so that both
-- backends describe one schema.

ALTER TABLE agent_runs ADD COLUMN node TEXT;

CREATE TABLE node_leases (
    node        TEXT PRIMARY KEY,
    expires_at  TEXT NOT NULL,
    renewed_at  TEXT NOT NULL
);
